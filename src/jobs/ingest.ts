// The ingest job's definition: one run per period. Its processor is workers/ingest.ts.
import { IngestJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { DAY_SEC, type JobDefinition } from './job.js';

export const ingestJob: JobDefinition = {
  queue: QUEUE.ingest,
  payload: IngestJobSchema,
  jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 30_000 }, removeOnComplete: { age: 2 * DAY_SEC, count: 500 }, removeOnFail: { age: 7 * DAY_SEC } },
  // One ingest at a time per process; fetching many feeds can take a while, so a long lock.
  workerOptions: () => ({ concurrency: 1, lockDuration: 300_000 }),
};
