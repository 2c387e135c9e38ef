// The ingest job: one run per period; validate the payload, run one ingest, return its summary.
import type { Job } from 'bullmq';
import { IngestJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { runIngest } from '../stories/ingest.js';
import { summariseReport, type IngestSummary } from '../stories/report.js';
import { DAY_SEC, type JobContext, type JobDefinition } from './job.js';

export const ingestJob: JobDefinition = {
  queue: QUEUE.ingest,
  payload: IngestJobSchema,
  jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 30_000 }, removeOnComplete: { age: 2 * DAY_SEC, count: 500 }, removeOnFail: { age: 7 * DAY_SEC } },
  // One ingest at a time per process; fetching many feeds can take a while, so a long lock.
  workerOptions: () => ({ concurrency: 1, lockDuration: 300_000 }),
};

export function createIngestProcessor(ctx: JobContext) {
  return async (job: Job): Promise<IngestSummary & { period: string }> => {
    const { period } = IngestJobSchema.parse(job.data);
    const report = await runIngest({ pool: ctx.stories, sources: ctx.config.sources, log: ctx.log });
    return { period, ...summariseReport(report) };
  };
}
