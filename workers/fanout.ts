// Fan-out job: queue one send per due reader, in keyset pages.
import type { Job } from 'bullmq';
import type { AppContext } from '../src/context.js';
import { FanoutJobSchema } from '../src/queues/jobs.js';
import { runFanout } from '../src/delivery/fanout.js';
import { createLedger } from '../src/delivery/ledger.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';

export function createFanoutProcessor(ctx: AppContext, ports: DeliveryPorts, options: { pageSize?: number } = {}) {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    ledger: createLedger({ redis: ctx.redis, keys: ctx.keys }),
    subscribers: ports.subscribers,
    editions: ports.editions,
    sendQueue: ctx.queues.send,
    ...options,
  };
  return (job: Job) => runFanout(deps, FanoutJobSchema.parse(job.data).editionId);
}
