// The confirmation hand-off. The signup's create script appends `<subscriber id>:<ms>`
// to a Redis list (the outbox) in the same step that stores the record and takes the
// 24 h claim, so a stored signup always has its confirmation, even if the api dies the
// next instant. The process serving the system-mail queue drains the outbox into that
// queue in batches; a BullMQ add per signup was the api's largest cost (BENCHMARKS.md §3).
//
// Draining is safe to repeat: entries become jobs with deterministic ids
// (`confirm-<id>-<ms>`, an id BullMQ already has is not added again), and entries are
// trimmed only after their jobs exist, by the holder of a short lock. A drainer that dies
// between the two leaves the entries for the next one; one that stalls past its lock
// trims nothing.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../redis.js';
import type { Keyspace } from '../keys.js';
import type { Logger } from '../log.js';
import { jobId, type SystemMailJob } from '../queues/jobs.js';
import { runScript } from '../redis.js';

/**
 * Lua that appends the entry for subscriber `id` claimed at `ms` (both Lua expressions)
 * to the outbox list `list`. The one place that knows the entry's shape besides `parseEntry`.
 */
export const appendEntryLua = (list: string, id: string, ms: string) => `redis.call('RPUSH', ${list}, ${id} .. ':' .. ${ms})`;

const ENTRY = /^(\d{1,20}):(\d{1,15})$/;

export function parseEntry(entry: string): { subscriberId: string; ms: string } | null {
  const m = ENTRY.exec(entry);
  return m ? { subscriberId: m[1]!, ms: m[2]! } : null;
}

// KEYS: 24 h claim, outbox. ARGV: claim ttl sec, subscriber id, ms. Returns 1 when claimed (and appended).
const CLAIM_AND_APPEND = `
if not redis.call('SET', KEYS[1], '1', 'EX', tonumber(ARGV[1]), 'NX') then return 0 end
${appendEntryLua('KEYS[2]', 'ARGV[2]', 'ARGV[3]')}
return 1
`;

// KEYS: outbox, lock. ARGV: token, lock ms, max. Nothing to do, or someone else's lock: false.
const TAKE = `
if redis.call('LLEN', KEYS[1]) == 0 then return false end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return false end
redis.call('SET', KEYS[2], ARGV[1], 'PX', tonumber(ARGV[2]))
return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
`;

// KEYS: outbox, lock. ARGV: token, count. Trims only while the lock is still ours.
const TRIM = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

export interface ConfirmOutboxDeps {
  redis: RedisClient;
  keys: Keyspace;
  /** The system-mail queue (only `addBulk` is used). */
  queue: Pick<Queue, 'addBulk'>;
  log: Logger;
  /** How long a drainer holds the outbox; another takes over after this. Default 10 s. */
  lockMs?: number;
}

export function createConfirmOutbox(deps: ConfirmOutboxDeps) {
  const { redis, keys, log } = deps;
  const lockMs = deps.lockMs ?? 10_000;
  const token = randomUUID();
  const outboxKeys = () => [keys.confirmOutbox(), keys.confirmOutboxLock()];

  return {
    /** The 24 h claim and the outbox entry in one step (resend, re-subscribe); false when a mail went out recently. */
    async claimAndAppend(claimKey: string, claimTtlSec: number, subscriberId: string, at: Date): Promise<boolean> {
      const claimed = await runScript(redis, CLAIM_AND_APPEND, [claimKey, keys.confirmOutbox()], [claimTtlSec, subscriberId, at.getTime()]);
      return claimed === 1;
    },

    /** Move up to `max` entries into the system-mail queue; how many were handed over (0 when idle or locked). */
    async drain(max = 500): Promise<number> {
      const entries = (await runScript(redis, TAKE, outboxKeys(), [token, lockMs, max])) as string[] | null;
      if (!entries || entries.length === 0) return 0;
      const jobs: { name: string; data: SystemMailJob; opts: { jobId: string } }[] = [];
      for (const entry of entries) {
        const parsed = parseEntry(entry);
        if (!parsed) {
          log.warn({ event: 'confirm-outbox.bad-entry', entry: entry.slice(0, 80) }, 'outbox entry skipped');
          continue;
        }
        jobs.push({
          name: 'confirm',
          data: { kind: 'confirm', subscriberId: parsed.subscriberId },
          opts: { jobId: jobId('confirm', parsed.subscriberId, parsed.ms) },
        });
      }
      if (jobs.length > 0) await deps.queue.addBulk(jobs);
      await runScript(redis, TRIM, outboxKeys(), [token, entries.length]);
      return jobs.length;
    },

    /** Entries not yet handed to the queue. */
    length: () => redis.llen(keys.confirmOutbox()),
    /** How many confirmations wait, and when the oldest was written (ms), in one round trip (a pipeline: a full Redis aborts every MULTI). */
    async stats(): Promise<{ length: number; oldestAt: number | null }> {
      const [[, length], [, oldest]] = ((await redis.pipeline().llen(keys.confirmOutbox()).lindex(keys.confirmOutbox(), 0).exec()) ?? [
        [null, 0],
        [null, null],
      ]) as [[unknown, number], [unknown, string | null]];
      const at = oldest ? Number(parseEntry(oldest)?.ms) : NaN;
      return { length: Number(length) || 0, oldestAt: Number.isFinite(at) ? at : null };
    },

    /** Give the lock up (shutdown), so another drainer need not wait for it to expire. */
    async release(): Promise<void> {
      await runScript(redis, RELEASE, [keys.confirmOutboxLock()], [token]);
    },
  };
}

export type ConfirmOutbox = ReturnType<typeof createConfirmOutbox>;

/**
 * The drain loop of the process serving the system-mail queue: drains again at once
 * while batches come back full, otherwise every `intervalMs` (an idle tick is one LLEN).
 */
export function startOutboxDrain(outbox: ConfirmOutbox, log: Logger, options: { intervalMs?: number; batch?: number } = {}) {
  // Often and small: at 1,000 signups/s a tick moves about one batch, not a burst of several.
  const intervalMs = options.intervalMs ?? 100;
  // Small batches: BullMQ adds a batch in one MULTI (~50 µs of Redis per job), and signups
  // wait behind it; 50 keeps each pause near 3 ms.
  const batch = options.batch ?? 50;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failing = false;

  const tick = async () => {
    let moved = batch;
    try {
      while (!stopped && moved >= batch) moved = await outbox.drain(batch);
      if (failing) log.info({ event: 'confirm-outbox.recovered' }, 'confirmation outbox drains again');
      failing = false;
    } catch (err) {
      // Redis or the queue is away: the entries stay, the next tick tries again.
      if (!failing) log.warn({ event: 'confirm-outbox.failed', err: (err as Error).message }, 'confirmation outbox drain failed');
      failing = true;
    }
    if (!stopped) timer = setTimeout(() => void (running = tick()), intervalMs);
  };
  running = tick();

  let stopping: Promise<void> | undefined;
  return {
    /** Finishes the drain in flight, then gives the lock up. Safe to call twice. */
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
        await outbox.release().catch(() => undefined);
      })()),
  };
}
