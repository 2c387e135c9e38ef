// The send job's definition: a page of readers of one edition (or one reader retried alone), each exactly once (src/delivery/send.ts). Its processor is workers/send.ts.
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
    // Messages in flight are bounded per process by SEND_CONCURRENCY (src/delivery/slots.ts), and
    // paced by the shared permits (adaptive-rate.ts); a second page is taken while one finishes.
    concurrency: Math.max(2, Math.ceil(s.sendConcurrency / s.sendPageSize) + 1),
    // Not a pace (jobs are pages): a limiter must be set for Queue.rateLimit, the outage pause, to hold every worker.
    limiter: { max: 1_000_000, duration: 1000 },
  }),
};
