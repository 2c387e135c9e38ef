// The send ledger: one entry per (edition, subscriber). It, not BullMQ, makes a
// send happen once. Every transition is one Lua script, so two workers racing on
// the same entry see a single winner, and the edition counters never drift.
//
//   queued ─claim─► claimed ─► sent | failed | bounced | skipped
//                      │  └─release─► queued        (transient failure, will retry)
//                      └─claimed again─► unknown    (a run died after claiming: never resent)
import { z } from 'zod';
import type { Redis } from 'ioredis';
import { runScript } from '../redis.js';
import { messageTotals, type MessageTotalsKeys, type OutcomeCounts } from './message-totals.js';

export const LEDGER_STATES = ['queued', 'claimed', 'sent', 'failed', 'bounced', 'unknown', 'skipped'] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];
/** `unknown` here: the relay may have the message (connection lost before its reply). */
export type FinalState = 'sent' | 'failed' | 'bounced' | 'skipped' | 'unknown';

export interface LedgerKeys {
  ledger(editionId: string): string;
  ledgerMeta(editionId: string): string;
}

export interface LedgerOptions {
  /** An edition pauses once this many sends failed or bounced… (default 20) */
  pauseMinFailures?: number;
  /** …and they are more than this share of the sends processed so far (default 0.1). */
  pauseFailureRatio?: number;
  /** Ledger entries and counters expire after this many days (default 30). */
  retentionDays?: number;
}

export const EditionReportSchema = z.object({
  editionId: z.string(),
  slot: z.string().nullable(),
  mode: z.string().nullable(),
  /** Readers the fan-out queued (the edition's "due" count). */
  queued: z.number(),
  sent: z.number(),
  failed: z.number(),
  bounced: z.number(),
  unknown: z.number(),
  skipped: z.number(),
  /** Queued but not final yet. */
  pending: z.number(),
  startedAt: z.string().nullable(),
  fanoutDoneAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  pausedReason: z.string().nullable(),
});
export type EditionReport = z.infer<typeof EditionReportSchema>;

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'unknown'; finished: boolean } | { outcome: 'done'; state: LedgerState };
export type SendClaimResult =
  | { outcome: 'paused'; reason: string }
  | { outcome: 'claimed'; subscriber: Record<string, string>; last: string | null }
  | { outcome: 'unknown'; finished: boolean }
  | { outcome: 'done'; state: LedgerState };

/** A hash field written with a finish to `sent` (the reader's last edition). */
export interface FinishRecord {
  key: string;
  field: string;
  value: string;
}

export interface FinishResult {
  applied: boolean;
  finished: boolean;
  paused: boolean;
}

// Shared Lua: mark the edition finished once the fan-out is done and every queued entry is final.
const COMPLETE = `
local function complete(meta, now)
  local m = redis.call('HMGET', meta, 'fanoutDoneAt', 'finishedAt', 'queued', 'sent', 'failed', 'bounced', 'unknown', 'skipped')
  if not m[1] or m[2] then return 0 end
  local done = 0
  for i = 4, 8 do done = done + tonumber(m[i] or '0') end
  if done >= tonumber(m[3] or '0') then
    redis.call('HSET', meta, 'finishedAt', now)
    return 1
  end
  return 0
end
`;

// KEYS: ledger, meta. ARGV: ttlSec, id...
const MARK_QUEUED = `
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('HSETNX', KEYS[1], ARGV[i], 'queued')
end
if n > 0 then redis.call('HINCRBY', KEYS[2], 'queued', n) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return n
`;

// The claim transition; `onClaimed` is the Lua that returns after a successful claim.
const claimScript = (onClaimed: string) => `${COMPLETE}
local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s then
  redis.call('HINCRBY', KEYS[2], 'queued', 1)
  s = 'queued'
end
if s == 'queued' then
  redis.call('HSET', KEYS[1], ARGV[1], 'claimed')
  ${onClaimed}
end
if s == 'claimed' then
  redis.call('HSET', KEYS[1], ARGV[1], 'unknown')
  redis.call('HINCRBY', KEYS[2], 'unknown', 1)
  return {'became-unknown', complete(KEYS[2], ARGV[2])}
end
return {s, 0}
`;

// KEYS: ledger, meta. ARGV: subscriber, now.
const CLAIM = claimScript(`return {'claimed', 0}`);

// The send's first round trip: refuse while the edition is paused (nothing claimed),
// claim, and hand back what the send reads next: the reader's last-edition entry and hash.
// KEYS: ledger, meta, subscriber hash, last-edition hash. ARGV: subscriber, now.
const CLAIM_FOR_SEND = `
local paused = redis.call('HGET', KEYS[2], 'pausedReason')
if paused then return {'paused', paused} end
${claimScript(`return {'claimed', 0, redis.call('HGET', KEYS[4], ARGV[1]) or '', unpack(redis.call('HGETALL', KEYS[3]))}`)}`;

// KEYS: ledger, meta, [record hash]. ARGV: subscriber, to, now, minFailures, ratio, [record field, value].
// The optional record (the reader's last edition) is written on every finish to `sent`, as
// the separate HSET after it used to be, now in the same round trip.
const FINISH = `${COMPLETE}
local s = redis.call('HGET', KEYS[1], ARGV[1])
local to = ARGV[2]
if KEYS[3] and to == 'sent' then redis.call('HSET', KEYS[3], ARGV[6], ARGV[7]) end
-- A run that lost its lock may still deliver after the entry was written off as unknown.
if not (s == 'claimed' or (s == 'unknown' and to == 'sent')) then return {0, 0, 0} end
redis.call('HSET', KEYS[1], ARGV[1], to)
redis.call('HINCRBY', KEYS[2], to, 1)
if s == 'unknown' then redis.call('HINCRBY', KEYS[2], 'unknown', -1) end
local paused = 0
if to == 'failed' or to == 'bounced' then
  local m = redis.call('HMGET', KEYS[2], 'sent', 'failed', 'bounced', 'unknown', 'skipped', 'pausedReason')
  local bad = tonumber(m[2] or '0') + tonumber(m[3] or '0')
  local seen = bad + tonumber(m[1] or '0') + tonumber(m[4] or '0') + tonumber(m[5] or '0')
  if not m[6] and bad >= tonumber(ARGV[4]) and bad > seen * tonumber(ARGV[5]) then
    redis.call('HSET', KEYS[2], 'pausedReason',
      string.format('%d of %d sends failed or bounced (more than %d%%)', bad, seen, math.floor(tonumber(ARGV[5]) * 100)))
    paused = 1
  end
end
return {1, complete(KEYS[2], ARGV[3]), paused}
`;

// KEYS: ledger. ARGV: subscriber.
const RELEASE = `
if redis.call('HGET', KEYS[1], ARGV[1]) == 'claimed' then
  redis.call('HSET', KEYS[1], ARGV[1], 'queued')
  return 1
end
return 0
`;

// KEYS: meta. ARGV: now.
const FANOUT_DONE = `${COMPLETE}
redis.call('HSETNX', KEYS[1], 'fanoutDoneAt', ARGV[1])
return complete(KEYS[1], ARGV[1])
`;

const num = (v: string | undefined) => Number(v ?? 0) || 0;

export function createLedger(deps: { redis: Redis; keys: LedgerKeys & MessageTotalsKeys }, options: LedgerOptions = {}) {
  const { redis, keys } = deps;
  const minFailures = options.pauseMinFailures ?? 20;
  const ratio = options.pauseFailureRatio ?? 0.1;
  const ttl = (options.retentionDays ?? 30) * 86_400;
  const now = () => new Date().toISOString();

  return {
    /** Record when and for which slot delivery started (first call wins). */
    async start(editionId: string, info: { slot: string; mode: string }): Promise<void> {
      const meta = keys.ledgerMeta(editionId);
      await redis
        .multi()
        .hsetnx(meta, 'startedAt', now())
        .hsetnx(meta, 'slot', info.slot)
        .hsetnx(meta, 'mode', info.mode)
        .expire(meta, ttl)
        .exec();
    },

    async meta(editionId: string): Promise<{ slot: string; mode: string } | null> {
      const [slot, mode] = await redis.hmget(keys.ledgerMeta(editionId), 'slot', 'mode');
      return slot && mode ? { slot, mode } : null;
    },

    /** Add entries as `queued`; returns how many were new (a re-run page counts nothing twice). */
    async markQueued(editionId: string, subscriberIds: readonly string[]): Promise<number> {
      if (subscriberIds.length === 0) return 0;
      const n = await runScript(redis, MARK_QUEUED, [keys.ledger(editionId), keys.ledgerMeta(editionId)], [ttl, ...subscriberIds]);
      return Number(n);
    },

    /** Returns true when that made the edition finished (empty or all sends already final). */
    async fanoutDone(editionId: string): Promise<boolean> {
      return Number(await runScript(redis, FANOUT_DONE, [keys.ledgerMeta(editionId)], [now()])) === 1;
    },

    async claim(editionId: string, subscriberId: string): Promise<ClaimResult> {
      const [state, finished] = (await runScript(redis, CLAIM, [keys.ledger(editionId), keys.ledgerMeta(editionId)], [subscriberId, now()])) as [
        LedgerState | 'became-unknown',
        number,
      ];
      if (state === 'claimed') return { outcome: 'claimed' };
      if (state === 'became-unknown') return { outcome: 'unknown', finished: finished === 1 };
      return { outcome: 'done', state };
    },

    /**
     * claim() for the sender, in one round trip: paused editions refuse before claiming, and a
     * successful claim returns the subscriber hash and last-edition entry (keys from the caller).
     */
    async claimForSend(
      editionId: string,
      subscriberId: string,
      read: { subscriberKey: string; lastKey: string },
    ): Promise<SendClaimResult> {
      const reply = (await runScript(
        redis,
        CLAIM_FOR_SEND,
        [keys.ledger(editionId), keys.ledgerMeta(editionId), read.subscriberKey, read.lastKey],
        [subscriberId, now()],
      )) as [LedgerState | 'became-unknown' | 'paused', string | number, ...string[]];
      const [state, second, ...rest] = reply;
      if (state === 'paused') return { outcome: 'paused', reason: String(second) };
      if (state === 'claimed') {
        const [last, ...flat] = rest;
        const subscriber: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) subscriber[flat[i]!] = flat[i + 1]!;
        return { outcome: 'claimed', subscriber, last: last || null };
      }
      if (state === 'became-unknown') return { outcome: 'unknown', finished: second === 1 };
      return { outcome: 'done', state };
    },

    async finish(editionId: string, subscriberId: string, to: FinalState, record?: FinishRecord): Promise<FinishResult> {
      const [applied, finished, paused] = (await runScript(
        redis,
        FINISH,
        [keys.ledger(editionId), keys.ledgerMeta(editionId), ...(record ? [record.key] : [])],
        [subscriberId, to, now(), minFailures, ratio, ...(record ? [record.field, record.value] : [])],
      )) as [number, number, number];
      return { applied: applied === 1, finished: finished === 1, paused: paused === 1 };
    },

    /** Every message outcome so far, across editions (message-totals.ts). */
    totals: (nowMs = Date.now()): Promise<OutcomeCounts> => messageTotals(deps, nowMs),

    /** Give a claim back after a failure that certainly did not deliver (a retry will claim again). */
    async release(editionId: string, subscriberId: string): Promise<boolean> {
      return Number(await runScript(redis, RELEASE, [keys.ledger(editionId)], [subscriberId])) === 1;
    },

    async state(editionId: string, subscriberId: string): Promise<LedgerState | null> {
      return (await redis.hget(keys.ledger(editionId), subscriberId)) as LedgerState | null;
    },

    async pausedReason(editionId: string): Promise<string | null> {
      return redis.hget(keys.ledgerMeta(editionId), 'pausedReason');
    },

    async pause(editionId: string, reason: string): Promise<void> {
      await redis.hset(keys.ledgerMeta(editionId), 'pausedReason', reason);
    },

    /** Operator's resume: delayed send jobs of the edition go out on their next check. */
    async resume(editionId: string): Promise<void> {
      await redis.hdel(keys.ledgerMeta(editionId), 'pausedReason');
    },

    /** The operators' funnel for one edition. */
    async report(editionId: string): Promise<EditionReport> {
      const m = await redis.hgetall(keys.ledgerMeta(editionId));
      const counts = {
        queued: num(m.queued),
        sent: num(m.sent),
        failed: num(m.failed),
        bounced: num(m.bounced),
        unknown: num(m.unknown),
        skipped: num(m.skipped),
      };
      const final = counts.sent + counts.failed + counts.bounced + counts.unknown + counts.skipped;
      return {
        editionId,
        slot: m.slot ?? null,
        mode: m.mode ?? null,
        ...counts,
        pending: Math.max(0, counts.queued - final),
        startedAt: m.startedAt ?? null,
        fanoutDoneAt: m.fanoutDoneAt ?? null,
        finishedAt: m.finishedAt ?? null,
        pausedReason: m.pausedReason ?? null,
      };
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
