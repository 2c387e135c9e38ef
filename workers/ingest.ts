// Ingest worker: validate the payload, run one ingest, return its summary (definition: src/jobs/ingest.ts).
import type { Job } from 'bullmq';
import type { JobContext } from '../src/jobs/job.js';
import { IngestJobSchema } from '../src/queues/jobs.js';
import { runIngest } from '../src/stories/ingest.js';
import { summariseReport, type IngestSummary } from '../src/stories/report.js';

export function createIngestProcessor(ctx: JobContext) {
  return async (job: Job): Promise<IngestSummary & { period: string }> => {
    const { period } = IngestJobSchema.parse(job.data);
    const report = await runIngest({ pool: ctx.stories, sources: ctx.config.sources, log: ctx.log });
    return { period, ...summariseReport(report) };
  };
}
