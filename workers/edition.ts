// Edition worker: parse, build, hand over to the fan-out (definition: src/jobs/edition.ts).
import type { Job } from 'bullmq';
import { runEditionJob, type EditionJobResult } from '../src/delivery/edition-job.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';
import type { JobContext } from '../src/jobs/job.js';
import { EditionJobSchema } from '../src/queues/jobs.js';

export function createEditionProcessor(ctx: JobContext, ports: DeliveryPorts) {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    freshnessHours: ctx.config.FRESHNESS_HOURS,
    editions: ports.editions,
    ledger: ctx.ledger,
    fanoutQueue: ctx.queues.fanout,
    sendLeadMs: ctx.config.SEND_LEAD_SEC * 1000,
  };
  return (job: Job): Promise<EditionJobResult> => runEditionJob(deps, EditionJobSchema.parse(job.data));
}
