// Worker adapter for the ingest queue: validate the payload, run one ingest, return its summary.
import type { Job } from 'bullmq';
import type { AppContext } from '../src/context.js';
import { IngestJobSchema } from '../src/queues/jobs.js';
import { runIngest } from '../src/stories/ingest.js';
import { summariseReport, type IngestSummary } from '../src/stories/report.js';

export function createIngestProcessor(ctx: AppContext) {
  return async (job: Job): Promise<IngestSummary & { period: string }> => {
    const { period } = IngestJobSchema.parse(job.data);
    const report = await runIngest({ redis: ctx.redis, keys: ctx.keys, sources: ctx.config.sources, log: ctx.log });
    return { period, ...summariseReport(report) };
  };
}
