// Worker adapter for the system-mail queue: validate the payload, call the use case.
import { UnrecoverableError, type Job } from 'bullmq';
import { SystemMailJobSchema } from '../src/queues/jobs.js';
import { PermanentMailError, sendSystemMail, type SystemMailDeps } from '../src/subscribers/system-mail.js';

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
