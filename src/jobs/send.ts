// The send job's definition: one reader, one edition, exactly once (src/delivery/send.ts). Its processor is workers/send.ts.
import { SendJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { DAY_SEC, type JobDefinition } from './job.js';

export const sendJob: JobDefinition = {
  queue: QUEUE.send,
  payload: SendJobSchema,
  jobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 }, removeOnComplete: { age: 3 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  workerOptions: (s) => ({
    lockDuration: s.lockMs,
    stalledInterval: s.stalledMs,
    concurrency: s.sendConcurrency,
    // Global across every worker on the queue (kept in Redis).
    limiter: { max: s.sendRatePerSec, duration: 1000 },
  }),
};
