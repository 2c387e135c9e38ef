// Fan-out worker: queue one send job per page of due readers, walking them in keyset pages (definition: src/jobs/fanout.ts).
import type { Job } from 'bullmq';
import { runFanout } from '../src/delivery/fanout.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';
import type { JobContext } from '../src/jobs/job.js';
import { FanoutJobSchema } from '../src/queues/jobs.js';

export function createFanoutProcessor(ctx: JobContext, ports: DeliveryPorts, options: { pageSize?: number } = {}) {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    ledger: ctx.ledger,
    subscribers: ports.subscribers,
    editions: ports.editions,
    sendQueue: ctx.queues.send,
    sendPageSize: ctx.config.SEND_PAGE_SIZE,
    ...options,
  };
  return (job: Job) => runFanout(deps, FanoutJobSchema.parse(job.data).editionId);
}
