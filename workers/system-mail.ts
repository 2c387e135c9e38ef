// System-mail worker (confirmation, welcome): validate the payload, call the use case (definition: src/jobs/system-mail.ts).
import { UnrecoverableError, type Job } from 'bullmq';
import { PermanentMailError, sendSystemMail, type SystemMailDeps } from '../src/mail/system-mail.js';
import { SystemMailJobSchema } from '../src/queues/jobs.js';

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
