// The system-mail job (confirmation, welcome): validate the payload, call the use case.
import { UnrecoverableError, type Job } from 'bullmq';
import { SystemMailJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { PermanentMailError, sendSystemMail, type SystemMailDeps } from '../mail/system-mail.js';
import { DAY_SEC, type JobDefinition } from './job.js';

export const systemMailJob: JobDefinition = {
  queue: QUEUE.systemMail,
  payload: SystemMailJobSchema,
  jobOptions: { attempts: 12, backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 }, removeOnComplete: { age: 2 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  workerOptions: () => ({ concurrency: 4 }),
};

export function createSystemMailProcessor(deps: SystemMailDeps) {
  return async (job: Job): Promise<string> => {
    const data = SystemMailJobSchema.parse(job.data);
    try {
      return await sendSystemMail(deps, data, String(job.id));
    } catch (err) {
      if (err instanceof PermanentMailError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
