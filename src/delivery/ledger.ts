// The send ledger: one entry per (edition, subscriber). It, not BullMQ, makes a
// send happen once. Every transition is one Lua script, so two workers racing on
// the same entry see a single winner, and the edition counters never drift.
//
//   queued ─claim─► claimed ─► sent | failed | bounced | skipped
//                      │  └─release─► queued        (transient failure, will retry)
//                      └─claimed again─► unknown    (a run died after claiming: never resent)
//
// Each claim records its owner (a token per send) and when it was taken, by Redis's clock, in
// `ledger:<edition>:claims`. The same owner claiming again is its own command resent after a
// lost reply, not a second run. Another run finding a claim younger than `claimStaleMs` is told
// to come back later (the owner may be alive and about to write its outcome); only an older
// claim is written off as `unknown`.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RedisClient } from '../redis.js';
import { REDIS_FULL_REASON, redisMemory, runScript, type ReplicaWait } from '../redis.js';
import { messageTotals, type MessageTotalsKeys, type OutcomeCounts } from './message-totals.js';

export const LEDGER_STATES = ['queued', 'claimed', 'sent', 'failed', 'bounced', 'unknown', 'skipped'] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];
/** `unknown` here: the relay may have the message (connection lost before its reply). */
export type FinalState = 'sent' | 'failed' | 'bounced' | 'skipped' | 'unknown';

export interface LedgerKeys {
  ledger(editionId: string): string;
  ledgerMeta(editionId: string): string;
  ledgerClaims(editionId: string): string;
}

export interface LedgerOptions {
  /** An edition pauses once this many sends failed or bounced… (default 20) */
  pauseMinFailures?: number;
  /** …and they are more than this share of the sends processed so far (default 0.1). */
  pauseFailureRatio?: number;
  /** Ledger entries and counters expire after this many days (default 30). */
  retentionDays?: number;
  /**
   * A claim older than this, found by another run, is written off as `unknown`; a younger one
   * makes that run wait (default 60 s). The worker uses twice the job lock: a run whose claim is
   * older has lost its lock twice over, or died.
   */
  claimStaleMs?: number;
  /**
   * Claims and outcomes of sends wait for this many replicas (WAIT) before the send goes on, so
   * a failover cannot lose a claim (which could mean a resend) and rarely a `sent` mark (which
   * can then only become `unknown`). Default none.
   */
  replicaWait?: ReplicaWait;
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

/** `busy`: another run holds a fresh claim; try again in `retryInMs`. */
export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'busy'; retryInMs: number }
  | { outcome: 'early'; retryInMs: number }
  | { outcome: 'unknown'; finished: boolean }
  | { outcome: 'done'; state: LedgerState };
export type SendClaimResult =
  | { outcome: 'paused'; reason: string }
  | { outcome: 'claimed'; subscriber: Record<string, string>; last: string | null }
  | { outcome: 'busy'; retryInMs: number }
  | { outcome: 'early'; retryInMs: number }
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

// Redis's clock in ms: claim ages never depend on a worker's clock.
const NOW_MS = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// The claim transition; `onClaimed` is the Lua that returns after a successful claim.
// KEYS[1] ledger, KEYS[2] meta, KEYS[3] claims. ARGV[1] subscriber, ARGV[2] now (ISO),
// ARGV[3] claim token, ARGV[4] stale after (ms).
const claimScript = (onClaimed: string, before = '') => `${COMPLETE}${NOW_MS}
${before}
local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s then
  redis.call('HINCRBY', KEYS[2], 'queued', 1)
  s = 'queued'
end
if s == 'queued' then
  redis.call('HSET', KEYS[1], ARGV[1], 'claimed')
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3] .. '|' .. nowMs())
  redis.call('EXPIRE', KEYS[3], 604800)
  ${onClaimed}
end
if s == 'claimed' then
  local c = redis.call('HGET', KEYS[3], ARGV[1])
  if c then
    local sep = string.find(c, '|', 1, true)
    if string.sub(c, 1, sep - 1) == ARGV[3] then
      ${onClaimed}
    end
    local age = nowMs() - tonumber(string.sub(c, sep + 1))
    if age < tonumber(ARGV[4]) then return {'busy', tonumber(ARGV[4]) - age} end
  end
  redis.call('HSET', KEYS[1], ARGV[1], 'unknown')
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('HINCRBY', KEYS[2], 'unknown', 1)
  return {'became-unknown', complete(KEYS[2], ARGV[2])}
end
return {s, 0}
`;

// KEYS: ledger, meta, claims. ARGV: subscriber, now, token, staleMs.
const CLAIM = claimScript(`return {'claimed', 0}`);

// The send's first round trip: refuse while the edition is paused, and before its slot by
// Redis's clock (a worker whose clock runs ahead never sends early), nothing claimed; claim,
// and hand back what the send reads next: the reader's last-edition entry and hash.
// KEYS: ledger, meta, claims, subscriber hash, last-edition hash. ARGV: subscriber, now, token, staleMs.
const CLAIM_FOR_SEND = claimScript(
  `return {'claimed', 0, redis.call('HGET', KEYS[5], ARGV[1]) or '', unpack(redis.call('HGETALL', KEYS[4]))}`,
  `
local paused = redis.call('HGET', KEYS[2], 'pausedReason')
if paused then return {'paused', paused} end
local notBefore = tonumber(redis.call('HGET', KEYS[2], 'notBefore') or '0')
if notBefore > nowMs() then return {'early', notBefore - nowMs()} end`,
);

// KEYS: ledger, meta, claims, [record hash]. ARGV: subscriber, to, now, minFailures, ratio, [record field, value].
// The optional record (the reader's last edition) is written on every finish to `sent`, as
// the separate HSET after it used to be, now in the same round trip.
const FINISH = `${COMPLETE}
local s = redis.call('HGET', KEYS[1], ARGV[1])
local to = ARGV[2]
if KEYS[4] and to == 'sent' then redis.call('HSET', KEYS[4], ARGV[6], ARGV[7]) end
redis.call('HDEL', KEYS[3], ARGV[1])
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

// KEYS: ledger, claims. ARGV: subscriber, token. Only the claim's owner gives it back.
const RELEASE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= 'claimed' then return 0 end
local c = redis.call('HGET', KEYS[2], ARGV[1])
if c and string.sub(c, 1, string.len(ARGV[2]) + 1) ~= ARGV[2] .. '|' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], 'queued')
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

// KEYS: meta. ARGV: now.
const FANOUT_DONE = `${COMPLETE}
redis.call('HSETNX', KEYS[1], 'fanoutDoneAt', ARGV[1])
return complete(KEYS[1], ARGV[1])
`;

const num = (v: string | undefined) => Number(v ?? 0) || 0;

/** A claim owner's name: unique per send attempt, across processes. */
export function newClaimToken(): string {
  return randomUUID();
}

export function createLedger(deps: { redis: RedisClient; keys: LedgerKeys & MessageTotalsKeys }, options: LedgerOptions = {}) {
  const { redis, keys } = deps;
  const minFailures = options.pauseMinFailures ?? 20;
  const ratio = options.pauseFailureRatio ?? 0.1;
  const ttl = (options.retentionDays ?? 30) * 86_400;
  const staleMs = options.claimStaleMs ?? 60_000;
  const replicaWait = options.replicaWait;
  const now = () => new Date().toISOString();
  const claimKeys = (editionId: string) => [keys.ledger(editionId), keys.ledgerMeta(editionId), keys.ledgerClaims(editionId)];

  return {
    /**
     * Record when and for which slot delivery started (first call wins). A slot's edition (daily
     * or weekly, not "send now"), less `leadMs`, is also the earliest send, by Redis's clock.
     */
    async start(editionId: string, info: { slot: string; mode: string; leadMs?: number }): Promise<void> {
      const meta = keys.ledgerMeta(editionId);
      const tx = redis.multi().hsetnx(meta, 'startedAt', now()).hsetnx(meta, 'slot', info.slot).hsetnx(meta, 'mode', info.mode);
      if (info.mode !== 'now') tx.hsetnx(meta, 'notBefore', String(Date.parse(info.slot) - (info.leadMs ?? 0)));
      await tx.expire(meta, ttl).exec();
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

    /** `token` names the run claiming (one per send attempt): the same token claiming again is the same run. */
    async claim(editionId: string, subscriberId: string, token: string = newClaimToken()): Promise<ClaimResult> {
      const [state, finished] = (await runScript(redis, CLAIM, claimKeys(editionId), [subscriberId, now(), token, staleMs])) as [
        LedgerState | 'became-unknown' | 'busy',
        number,
      ];
      if (state === 'claimed') return { outcome: 'claimed' };
      if (state === 'busy') return { outcome: 'busy', retryInMs: Math.max(1, finished) };
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
      token: string,
    ): Promise<SendClaimResult> {
      const reply = (await runScript(
        redis,
        CLAIM_FOR_SEND,
        [...claimKeys(editionId), read.subscriberKey, read.lastKey],
        [subscriberId, now(), token, staleMs],
        replicaWait,
      )) as [LedgerState | 'became-unknown' | 'paused' | 'busy' | 'early', string | number, ...string[]];
      const [state, second, ...rest] = reply;
      if (state === 'paused') return { outcome: 'paused', reason: String(second) };
      if (state === 'early') return { outcome: 'early', retryInMs: Math.max(1, Number(second)) };
      if (state === 'busy') return { outcome: 'busy', retryInMs: Math.max(1, Number(second)) };
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
        [...claimKeys(editionId), ...(record ? [record.key] : [])],
        [subscriberId, to, now(), minFailures, ratio, ...(record ? [record.field, record.value] : [])],
        replicaWait,
      )) as [number, number, number];
      return { applied: applied === 1, finished: finished === 1, paused: paused === 1 };
    },

    /** Every message outcome so far, across editions (message-totals.ts). */
    totals: (nowMs = Date.now()): Promise<OutcomeCounts> => messageTotals(deps, nowMs),

    /** Give a claim back after a failure that certainly did not deliver (a retry will claim again). */
    async release(editionId: string, subscriberId: string, token: string): Promise<boolean> {
      return Number(await runScript(redis, RELEASE, [keys.ledger(editionId), keys.ledgerClaims(editionId)], [subscriberId, token])) === 1;
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

    /** The operators' funnel for one edition. A full Redis pauses every unfinished edition: that is its reason then. */
    async report(editionId: string): Promise<EditionReport> {
      const m = await redis.hgetall(keys.ledgerMeta(editionId));
      if (!m.pausedReason && !m.finishedAt && m.startedAt && (await redisMemory(redis).catch(() => null))?.full) m.pausedReason = REDIS_FULL_REASON;
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
