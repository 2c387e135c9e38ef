// The edition build job's definition. Its processor is workers/edition.ts.
import { EditionJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { DAY_SEC, type JobDefinition } from './job.js';

export const editionJob: JobDefinition = {
  queue: QUEUE.edition,
  payload: EditionJobSchema,
  jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 7 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  // Builds render MJML: a long lock so a busy event loop is not mistaken for a dead worker.
  workerOptions: (s) => ({ concurrency: 1, lockDuration: Math.max(120_000, s.lockMs), stalledInterval: s.stalledMs }),
};
