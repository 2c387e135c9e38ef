// One definition per job type: the queue it lives on, its payload schema, the options its
// jobs are added with and the options of the Worker that runs them (src/jobs/<queue>.ts,
// what producers and the worker factory need). The processor is the thin adapter in the
// top-level workers/<queue>.ts; the composition root hands it what it needs. Renaming a queue orphans its jobs: see src/queues/names.ts.
import type { ConnectionOptions, DefaultJobOptions, WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Keyspace } from '../keys.js';
import type { Logger } from '../log.js';
import type { QueueName } from '../queues/names.js';
import type { Queues } from '../queues/queues.js';
import type { MailTransport } from '../delivery/transport/mail-transport.js';
import type { Config } from '../config.js';
import type { Ledger } from '../delivery/ledger.js';
import type { StoryPool } from '../stories/pool.js';

export const DAY_SEC = 86_400;

/** The per-process values worker options are derived from. */
export interface WorkerSettings {
  /** JOB_LOCK_SEC in ms: how long a dead worker holds its jobs. */
  lockMs: number;
  /** How often stalled jobs are looked for (ms; the lock by default). */
  stalledMs: number;
  sendConcurrency: number;
  sendRatePerSec: number;
}

export interface JobDefinition {
  readonly queue: QueueName;
  readonly payload: z.ZodType;
  /** Options every job on this queue is added with (retention keeps deterministic ids meaningful). */
  readonly jobOptions: DefaultJobOptions;
  workerOptions(settings: WorkerSettings): Partial<WorkerOptions>;
}

/** What processor factories take from the composition root (an AppContext has all of it). */
export interface JobContext {
  readonly config: Config;
  readonly log: Logger;
  readonly redis: Redis;
  readonly keys: Keyspace;
  readonly connection: ConnectionOptions;
  readonly queues: Queues;
  readonly ledger: Ledger;
  readonly stories: StoryPool;
  mailer(): MailTransport;
}
