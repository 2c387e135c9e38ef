// The fan-out job's definition: one send per due reader, in keyset pages. Its processor is workers/fanout.ts.
import { FanoutJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { DAY_SEC, type JobDefinition } from './job.js';

export const fanoutJob: JobDefinition = {
  queue: QUEUE.fanout,
  payload: FanoutJobSchema,
  jobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 7 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  workerOptions: (s) => ({ concurrency: 1, lockDuration: s.lockMs, stalledInterval: s.stalledMs }),
};
