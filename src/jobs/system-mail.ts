// The system-mail job's definition (confirmation, welcome). Its processor is workers/system-mail.ts.
import { SystemMailJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { DAY_SEC, type JobDefinition } from './job.js';

export const systemMailJob: JobDefinition = {
  queue: QUEUE.systemMail,
  payload: SystemMailJobSchema,
  jobOptions: { attempts: 12, backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 }, removeOnComplete: { age: 2 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  workerOptions: () => ({ concurrency: 4 }),
};
