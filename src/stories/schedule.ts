// Ingest scheduling: one job per period, whoever enqueues it. Several scheduler
// processes ticking at once add the same job id, which BullMQ ignores.
import type { Job, Queue } from 'bullmq';
import { jobId, type IngestJob } from '../queues/jobs.js';

/** Start of the period `now` falls in, as an ISO minute in UTC: 2026-11-24T10:15Z. */
export function ingestPeriodId(now: Date, everyMinutes: number): string {
  const step = Math.max(1, Math.floor(everyMinutes)) * 60_000;
  const start = new Date(Math.floor(now.getTime() / step) * step);
  return `${start.toISOString().slice(0, 16)}Z`;
}

export function ingestJobId(period: string): string {
  return jobId('ingest', period);
}

export async function enqueueIngest(queue: Queue, now: Date, everyMinutes: number): Promise<Job<IngestJob>> {
  const period = ingestPeriodId(now, everyMinutes);
  return queue.add('ingest', { period } satisfies IngestJob, { jobId: ingestJobId(period) });
}

/** An operator's "ingest now": its own id, so it runs even if this period's job already did. */
export async function enqueueManualIngest(queue: Queue, now: Date): Promise<Job<IngestJob>> {
  const period = `manual-${now.toISOString()}`;
  return queue.add('ingest', { period } satisfies IngestJob, { jobId: ingestJobId(period) });
}
