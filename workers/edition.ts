// Edition build job: parse, build, hand over to the fan-out.
import type { Job } from 'bullmq';
import type { AppContext } from '../src/context.js';
import { EditionJobSchema } from '../src/queues/jobs.js';
import { runEditionJob, type EditionJobResult } from '../src/delivery/edition-job.js';
import { createLedger } from '../src/delivery/ledger.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';

export function createEditionProcessor(ctx: AppContext, ports: DeliveryPorts) {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    freshnessHours: ctx.config.FRESHNESS_HOURS,
    editions: ports.editions,
    ledger: createLedger({ redis: ctx.redis, keys: ctx.keys }),
    fanoutQueue: ctx.queues.fanout,
  };
  return (job: Job): Promise<EditionJobResult> => runEditionJob(deps, EditionJobSchema.parse(job.data));
}
