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
import { luaCommands } from '../lua.js';
import { REDIS_FULL_REASON, redisMemory, type ReplicaWait } from '../redis.js';
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
/** One reader's claim in a page: on `claimed`, the reader's hash and last-edition entry. */
export type ReaderClaim =
  | { outcome: 'claimed'; subscriber: Record<string, string>; last: string | null }
  | { outcome: 'busy'; retryInMs: number }
  | { outcome: 'unknown'; finished: boolean }
  /** `finished` (with state `unknown`): the edition is finished, perhaps by a claim whose reply was lost. */
  | { outcome: 'done'; state: LedgerState; finished?: boolean };
/** A page's claim: refused as a whole (paused, before the slot), or one claim per reader, in order. */
export type PageClaimResult =
  | { outcome: 'paused'; reason: string }
  | { outcome: 'early'; retryInMs: number }
  | { outcome: 'claims'; claims: ReaderClaim[] };

/** A value written with a finish to `sent` into the hash `key`, under the reader's id (their last edition). */
export interface FinishRecord {
  key: string;
  value: string;
}

export interface FinishResult {
  applied: boolean;
  finished: boolean;
  paused: boolean;
}

/** One send's outcome, for finishMany. `last`: the reader's last-edition entry, written with `sent`. */
export interface Outcome {
  subscriberId: string;
  to: FinalState;
  last?: string;
}

// Every transition is a script in lua/ (headers there: KEYS, ARGV, return).
const commands = luaCommands(import.meta.url, {
  ledgerStart: { file: 'lua/ledger-start.lua', keys: 1 },
  ledgerMarkQueued: { file: 'lua/ledger-mark-queued.lua', keys: 2 },
  ledgerFanoutDone: { file: 'lua/ledger-fanout-done.lua', keys: 1 },
  ledgerClaim: { file: 'lua/ledger-claim.lua', keys: 3 },
  ledgerClaimPage: { file: 'lua/ledger-claim-page.lua' },
  ledgerFinish: { file: 'lua/ledger-finish.lua' },
  ledgerFinishPage: { file: 'lua/ledger-finish-page.lua', keys: 4 },
  ledgerRelease: { file: 'lua/ledger-release.lua', keys: 2 },
});

const num = (v: string | undefined) => Number(v ?? 0) || 0;

function readerClaim([state, second, last, ...flat]: [string, string | number, ...string[]]): ReaderClaim {
  if (state === 'busy') return { outcome: 'busy', retryInMs: Math.max(1, Number(second)) };
  if (state === 'became-unknown') return { outcome: 'unknown', finished: Number(second) === 1 };
  if (state === 'unknown' && Number(second) === 1) return { outcome: 'done', state, finished: true };
  if (state !== 'claimed') return { outcome: 'done', state: state as LedgerState };
  const subscriber: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) subscriber[flat[i]!] = flat[i + 1]!;
  return { outcome: 'claimed', subscriber, last: last || null };
}

/** A claim owner's name: unique per send attempt, across processes. */
export function newClaimToken(): string {
  return randomUUID();
}

export function createLedger(deps: { redis: RedisClient; keys: LedgerKeys & MessageTotalsKeys }, options: LedgerOptions = {}) {
  const { redis, keys } = deps;
  const lua = commands(redis);
  const minFailures = options.pauseMinFailures ?? 20;
  const ratio = options.pauseFailureRatio ?? 0.1;
  const ttl = (options.retentionDays ?? 30) * 86_400;
  const staleMs = options.claimStaleMs ?? 60_000;
  const replicaWait = options.replicaWait;
  const claimKeys = (editionId: string) => [keys.ledger(editionId), keys.ledgerMeta(editionId), keys.ledgerClaims(editionId)];
  async function releaseMany(editionId: string, subscriberIds: readonly string[], token: string): Promise<number> {
    if (subscriberIds.length === 0) return 0;
    return Number(await lua.ledgerRelease([keys.ledger(editionId), keys.ledgerClaims(editionId)], [token, ...subscriberIds]));
  }

  return {
    /**
     * Record when and for which slot delivery started (first call wins). A slot's edition (daily
     * or weekly, not "send now"), less `leadMs`, is also the earliest send, by Redis's clock.
     */
    async start(editionId: string, info: { slot: string; mode: string; leadMs?: number }): Promise<void> {
      const notBefore = info.mode === 'now' ? '' : String(Date.parse(info.slot) - (info.leadMs ?? 0));
      await lua.ledgerStart([keys.ledgerMeta(editionId)], [info.slot, info.mode, notBefore, ttl]);
    },

    async meta(editionId: string): Promise<{ slot: string; mode: string } | null> {
      const [slot, mode] = await redis.hmget(keys.ledgerMeta(editionId), 'slot', 'mode');
      return slot && mode ? { slot, mode } : null;
    },

    /** Add entries as `queued`; returns how many were new (a re-run page counts nothing twice). */
    async markQueued(editionId: string, subscriberIds: readonly string[]): Promise<number> {
      if (subscriberIds.length === 0) return 0;
      const n = await lua.ledgerMarkQueued([keys.ledger(editionId), keys.ledgerMeta(editionId)], [ttl, ...subscriberIds]);
      return Number(n);
    },

    /** Returns true when that made the edition finished (empty or all sends already final). */
    async fanoutDone(editionId: string): Promise<boolean> {
      return Number(await lua.ledgerFanoutDone([keys.ledgerMeta(editionId)], [])) === 1;
    },

    /** `token` names the run claiming (one per send attempt): the same token claiming again is the same run. */
    async claim(editionId: string, subscriberId: string, token: string = newClaimToken()): Promise<ClaimResult> {
      const [state, finished] = (await lua.ledgerClaim(claimKeys(editionId), [subscriberId, token, staleMs])) as [
        LedgerState | 'became-unknown' | 'busy',
        number,
      ];
      if (state === 'claimed') return { outcome: 'claimed' };
      if (state === 'busy') return { outcome: 'busy', retryInMs: Math.max(1, finished) };
      if (state === 'became-unknown') return { outcome: 'unknown', finished: finished === 1 };
      return { outcome: 'done', state };
    },

    /**
     * Claim a page of readers for sending, in one round trip: a paused edition, or one before
     * its slot by Redis's clock, refuses the whole page before claiming; each reader claimed
     * comes back with its hash and last-edition entry (keys from the caller).
     */
    async claimPage(
      editionId: string,
      subscriberIds: readonly string[],
      read: { subscriberKey(id: string): string; lastKey: string },
      token: string,
    ): Promise<PageClaimResult> {
      const reply = (await lua.ledgerClaimPage(
        [...claimKeys(editionId), read.lastKey, ...subscriberIds.map((id) => read.subscriberKey(id))],
        [token, staleMs, ...subscriberIds],
        replicaWait,
      )) as [string, ...unknown[]];
      const [kind, ...rest] = reply;
      if (kind === 'paused') return { outcome: 'paused', reason: String(rest[0]) };
      if (kind === 'early') return { outcome: 'early', retryInMs: Math.max(1, Number(rest[0])) };
      return { outcome: 'claims', claims: (rest as [string, string | number, ...string[]][]).map(readerClaim) };
    },

    async finish(editionId: string, subscriberId: string, to: FinalState, record?: FinishRecord): Promise<FinishResult> {
      const [applied, finished, paused] = (await lua.ledgerFinish(
        [...claimKeys(editionId), ...(record ? [record.key] : [])],
        [subscriberId, to, minFailures, ratio, ...(record ? [record.value] : [])],
        replicaWait,
      )) as [number, number, number];
      return { applied: applied === 1, finished: finished === 1, paused: paused === 1 };
    },

    /** Every message outcome so far, across editions (message-totals.ts). */
    totals: (nowMs = Date.now()): Promise<OutcomeCounts> => messageTotals(deps, nowMs),

    /**
     * Several outcomes of one edition in one round trip. `finished`: these were its last
     * entries; `paused`: their failures paused it.
     */
    async finishMany(editionId: string, outcomes: readonly Outcome[], lastKey: string): Promise<{ applied: number; finished: boolean; paused: boolean }> {
      if (outcomes.length === 0) return { applied: 0, finished: false, paused: false };
      const [applied, finished, paused] = (await lua.ledgerFinishPage(
        [...claimKeys(editionId), lastKey],
        [minFailures, ratio, ...outcomes.flatMap((o) => [o.subscriberId, o.to, o.to === 'sent' ? (o.last ?? '') : ''])],
        replicaWait,
      )) as [number, number, number];
      return { applied, finished: finished === 1, paused: paused === 1 };
    },

    /** Give a claim back after a failure that certainly did not deliver (a retry will claim again). */
    async release(editionId: string, subscriberId: string, token: string): Promise<boolean> {
      return (await releaseMany(editionId, [subscriberId], token)) === 1;
    },

    /** release() for several readers of one claim owner; how many were given back. */
    releaseMany,

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
