// The fan-out job: queue one send per due reader, in keyset pages.
import type { Job } from 'bullmq';
import { FanoutJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { runFanout } from '../delivery/fanout.js';
import type { DeliveryPorts } from '../delivery/ports.js';
import { DAY_SEC, type JobContext, type JobDefinition } from './job.js';

export const fanoutJob: JobDefinition = {
  queue: QUEUE.fanout,
  payload: FanoutJobSchema,
  jobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 7 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  workerOptions: (s) => ({ concurrency: 1, lockDuration: s.lockMs, stalledInterval: s.stalledMs }),
};

export function createFanoutProcessor(ctx: JobContext, ports: DeliveryPorts, options: { pageSize?: number } = {}) {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    ledger: ctx.ledger,
    subscribers: ports.subscribers,
    editions: ports.editions,
    sendQueue: ctx.queues.send,
    ...options,
  };
  return (job: Job) => runFanout(deps, FanoutJobSchema.parse(job.data).editionId);
}
