// BullMQ Workers for the delivery queues, with their options in one place.
// The worker process (src/processes/worker.ts) calls startDeliveryWorkers once.
import { Worker, type ConnectionOptions, type Processor } from 'bullmq';
import type { Logger } from '../log.js';
import { closeWorkers } from '../queues/close-workers.js';
import { QUEUE, type QueueName } from '../queues/names.js';

export interface DeliveryWorkerContext {
  connection: ConnectionOptions;
  queuePrefix(queue: QueueName): string;
  config: { SEND_CONCURRENCY: number; SEND_RATE_PER_SEC: number };
  log: Logger;
}

/** BullMQ fails a job stalled more often than this; ours are idempotent, so effectively never. */
const NEVER_FAIL_FOR_STALLING = 1_000_000;

export interface DeliveryProcessors {
  edition?: Processor;
  fanout?: Processor;
  send?: Processor;
}

export interface DeliveryWorkerOptions {
  /** Send job lock; a worker that dies holds its jobs this long (default 30 s). */
  lockDuration?: number;
  /** How often stalled jobs are looked for (default 30 s). */
  stalledInterval?: number;
  /** Overrides SEND_CONCURRENCY. */
  sendConcurrency?: number;
  /** Overrides SEND_RATE_PER_SEC. */
  sendRatePerSec?: number;
  /** close() waits this long for jobs in flight, then stops hard (default 20 s). */
  closeTimeoutMs?: number;
}

export interface DeliveryWorkers {
  workers: Worker[];
  /** Stop taking jobs, let the ones in flight finish within the deadline. Safe to call twice. */
  close(): Promise<void>;
}

export function startDeliveryWorkers(ctx: DeliveryWorkerContext, processors: DeliveryProcessors, options: DeliveryWorkerOptions = {}): DeliveryWorkers {
  const base = (queue: QueueName) => ({ connection: ctx.connection, prefix: ctx.queuePrefix(queue) });
  // A stalled job is a worker that died or froze, not a bad job: every delivery job is safe to re-run
  // (deterministic ids, the ledger), so it is never failed for stalling — a failed fan-out or edition
  // job would leave the rest of the edition unsent, whatever the timing (BullMQ's default is 1).
  const lock = { lockDuration: options.lockDuration ?? 30_000, stalledInterval: options.stalledInterval ?? 30_000, maxStalledCount: NEVER_FAIL_FOR_STALLING };
  const workers: Worker[] = [];
  if (processors.edition) {
    // Builds render MJML: a long lock so a busy event loop is not mistaken for a dead worker.
    workers.push(new Worker(QUEUE.edition, processors.edition, { ...base(QUEUE.edition), ...lock, concurrency: 1, lockDuration: Math.max(120_000, lock.lockDuration) }));
  }
  if (processors.fanout) {
    workers.push(new Worker(QUEUE.fanout, processors.fanout, { ...base(QUEUE.fanout), ...lock, concurrency: 1 }));
  }
  if (processors.send) {
    workers.push(
      new Worker(QUEUE.send, processors.send, {
        ...base(QUEUE.send),
        ...lock,
        concurrency: options.sendConcurrency ?? ctx.config.SEND_CONCURRENCY,
        // Global across every worker on the queue (kept in Redis).
        limiter: { max: options.sendRatePerSec ?? ctx.config.SEND_RATE_PER_SEC, duration: 1000 },
      }),
    );
  }
  for (const worker of workers) {
    worker.on('error', (err) => ctx.log.error({ event: 'worker.error', queue: worker.name, err: err.message }, 'worker error'));
    // A job whose lock could not be renewed may already run elsewhere: stop it (the processor honours the signal).
    worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) worker.cancelJob(id, 'lock renewal failed');
      ctx.log.warn({ event: 'worker.lock-lost', queue: worker.name, jobs: ids.length }, 'lost job locks');
    });
  }

  let closing: Promise<void> | undefined;
  return {
    workers,
    close() {
      closing ??= closeWorkers(workers, options.closeTimeoutMs ?? 20_000, (w) =>
        ctx.log.warn({ event: 'worker.close-timeout', queue: w.name }, 'jobs still in flight at the deadline; closing hard'),
      );
      return closing;
    },
  };
}
