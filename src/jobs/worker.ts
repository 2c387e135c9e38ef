// The one worker factory: a Worker per queue served, its definition's options, the same logging (error, failed, lockRenewalFailed).
import { Worker, type ConnectionOptions, type DefaultJobOptions, type Processor } from 'bullmq';
import { redactAddresses, type Logger } from '../log.js';
import { closeWorkers } from '../queues/close-workers.js';
import type { QueueName } from '../queues/names.js';
import { NEVER_FAIL_FOR_STALLING, type JobDefinition, type WorkerSettings } from './job.js';
import { editionJob } from './edition.js';
import { fanoutJob } from './fanout.js';
import { ingestJob } from './ingest.js';
import { sendJob } from './send.js';
import { systemMailJob } from './system-mail.js';

/** Every job type, by queue. */
export const JOBS: Readonly<Record<QueueName, JobDefinition>> = {
  ingest: ingestJob,
  edition: editionJob,
  fanout: fanoutJob,
  send: sendJob,
  'system-mail': systemMailJob,
};

/** The options each queue adds its jobs with (for createQueues). */
export function jobOptionsByQueue(): Record<QueueName, DefaultJobOptions> {
  return Object.fromEntries(Object.values(JOBS).map((d) => [d.queue, d.jobOptions])) as Record<QueueName, DefaultJobOptions>;
}

export interface JobWorkerContext {
  connection: ConnectionOptions;
  queuePrefix(queue: QueueName): string; // its own hash tag in a cluster (src/keys.ts)
  config: { SEND_CONCURRENCY: number; SEND_PAGE_SIZE: number; JOB_LOCK_SEC: number };
  log: Logger;
}

export interface JobWorkerOptions {
  /** Overrides JOB_LOCK_SEC (ms): lock of a job, and how often stalled jobs are looked for. */
  lockDuration?: number;
  /** Overrides the stalled-job check interval (ms); defaults to the lock. */
  stalledInterval?: number;
  /** Overrides SEND_CONCURRENCY. */
  sendConcurrency?: number;
  /** close() waits this long for jobs in flight, then stops hard (default 20 s). */
  closeTimeoutMs?: number;
}

export interface JobWorkers {
  workers: Worker[];
  /** Stop taking jobs, let the ones in flight finish within the deadline. Safe to call twice. */
  close(): Promise<void>;
}

export function startJobWorkers(ctx: JobWorkerContext, processors: Partial<Record<QueueName, Processor>>, options: JobWorkerOptions = {}): JobWorkers {
  const lockMs = options.lockDuration ?? ctx.config.JOB_LOCK_SEC * 1000;
  const settings: WorkerSettings = {
    lockMs,
    stalledMs: options.stalledInterval ?? lockMs,
    sendConcurrency: options.sendConcurrency ?? ctx.config.SEND_CONCURRENCY,
    sendPageSize: ctx.config.SEND_PAGE_SIZE,
  };
  const workers: Worker[] = [];
  for (const definition of Object.values(JOBS)) {
    const processor = processors[definition.queue];
    if (!processor) continue;
    const queue = definition.queue;
    const worker = new Worker(queue, processor, { connection: ctx.connection, prefix: ctx.queuePrefix(queue), maxStalledCount: NEVER_FAIL_FOR_STALLING, ...definition.workerOptions(settings) });
    worker.on('error', (err) => ctx.log.error({ event: 'worker.error', queue, err: err.message }, 'worker error'));
    worker.on('failed', (job, err) =>
      ctx.log.warn({ event: `${queue}.job.failed`, jobId: job?.id, attempts: job?.attemptsMade, err: redactAddresses(err.message) }, 'job failed'),
    );
    // A job whose lock could not be renewed may already run elsewhere: stop it (the processor honours the signal).
    worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) worker.cancelJob(id, 'lock renewal failed');
      ctx.log.warn({ event: 'worker.lock-lost', queue, jobs: ids.length }, 'lost job locks');
    });
    workers.push(worker);
  }

  let closing: Promise<void> | undefined;
  return {
    workers,
    close() {
      closing ??= closeWorkers(workers, options.closeTimeoutMs ?? 20_000, (w) => {
        ctx.log.warn({ event: 'worker.close-timeout', queue: w.name }, 'jobs still in flight at the deadline; closing hard');
        // close(true) after close() only waits on: jobs that honour their signal (send pages) stop now.
        w.cancelAllJobs('closing');
      });
      return closing;
    },
  };
}
