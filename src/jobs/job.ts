// One definition per job type: the queue it lives on, its payload schema, the options its
// jobs are added with and the options of the Worker that runs them (src/jobs/<queue>.ts,
// what producers and the worker factory need). The processor is the thin adapter in the
// top-level workers/<queue>.ts; the composition root hands it what it needs. Renaming a
// queue orphans its jobs: see src/queues/names.ts.
import type { ConnectionOptions, DefaultJobOptions, WorkerOptions } from 'bullmq';
import type { RedisClient } from '../redis.js';
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

/**
 * BullMQ's maxStalledCount for every queue. A stalled job is a worker that died or froze, not a
 * bad job, and every job here is safe to run again (deterministic ids, the ledger): never fail
 * one for stalling. BullMQ's default (1) failed a fan-out stalled twice, and the rest of its
 * edition never went out.
 */
export const NEVER_FAIL_FOR_STALLING = 1_000_000;

/** The per-process values worker options are derived from. */
export interface WorkerSettings {
  /** JOB_LOCK_SEC in ms: how long a dead worker holds its jobs. */
  lockMs: number;
  /** How often stalled jobs are looked for (ms; the lock by default). */
  stalledMs: number;
  sendConcurrency: number;
  sendPageSize: number;
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
  /** General-purpose connection for stores (commands, pipelines, Lua). */
  readonly redis: RedisClient;
  readonly keys: Keyspace;
  /** Connection for BullMQ Workers/Queues: options (each opens its own sockets), or one Cluster client they share. */
  readonly connection: ConnectionOptions;
  /** BullMQ's prefix for a queue (its own hash tag in a cluster: src/keys.ts). */
  queuePrefix(queue: QueueName): string;
  readonly queues: Queues;
  /** Delivery outcomes per edition and reader (exactly once). */
  readonly ledger: Ledger;
  readonly stories: StoryPool;
  /** Created on first use: only processes that send mail open SMTP connections. */
  mailer(): MailTransport;
}
