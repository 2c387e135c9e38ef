// Which edition builds to enqueue now. Every scheduler instance runs the same
// tick; deterministic job ids and per-slot claims make a second instance or a
// double tick change nothing. Slots missed for longer than FRESHNESS_HOURS are
// cancelled (counted, listed for operators) instead of sent stale.
import type { RedisClient } from '../redis.js';
import type { JobsOptions } from 'bullmq';
import type { Logger } from '../log.js';
import { jobId, type EditionJob } from '../queues/jobs.js';
import { slotsBetween, type SlotPair } from '../editions/slots.js';
import { luaCommands } from '../lua.js';

export interface ScheduleKeys {
  slotClaim(slot: string): string;
  slotsCancelled(): string;
  schedulerLastTick(): string;
}

export interface ScheduleDeps {
  redis: RedisClient;
  keys: ScheduleKeys;
  slotsInUse(): Promise<SlotPair[]>;
  editionQueue: { add(name: string, data: EditionJob, opts?: JobsOptions): Promise<unknown> };
  log: Logger;
  freshnessHours: number;
}

export interface TickResult {
  enqueued: string[];
  cancelled: string[];
}

const HOUR = 3_600_000;
/** Never look further back than this, however long the scheduler was down. */
const MAX_LOOKBACK = 48 * HOUR;
const CLAIM_TTL_SEC = 4 * 24 * 3600;
const commands = luaCommands(import.meta.url, { scheduleLastTick: { file: 'lua/schedule-last-tick.lua', keys: 1 } });

export function editionJobId(slot: string, mode: EditionJob['mode']): string {
  return jobId('edition', slot, mode);
}

/** The claim of a scheduled slot: daily and weekly editions of one instant are decided apart. */
export const claimOf = (slot: string, mode: EditionJob['mode']) => (mode === 'weekly' ? `${slot}|weekly` : slot);

/** Record a slot (a claimOf() value) as cancelled once; returns false when it was already decided. */
export async function cancelSlot(deps: Pick<ScheduleDeps, 'redis' | 'keys' | 'log'>, slot: string, why: string): Promise<boolean> {
  const won = await deps.redis.set(deps.keys.slotClaim(slot), `cancelled:${why}`, 'EX', CLAIM_TTL_SEC, 'NX');
  // A slot the scheduler enqueued can still go stale before a worker builds it.
  const flipped = won ? 'OK' : await deps.redis.set(deps.keys.slotClaim(slot), `cancelled:${why}`, 'EX', CLAIM_TTL_SEC, 'XX', 'GET');
  if (won || (typeof flipped === 'string' && !flipped.startsWith('cancelled'))) {
    await deps.redis.zadd(deps.keys.slotsCancelled(), Date.parse(slot.split('|')[0]!), slot);
    deps.log.warn({ event: 'edition.slot.cancelled', slot, why }, 'slot missed its freshness window; not sending stale news');
    return true;
  }
  return false;
}

export async function schedulerTick(deps: ScheduleDeps, now: Date = new Date()): Promise<TickResult> {
  const freshness = deps.freshnessHours * HOUR;
  const last = Number((await deps.redis.get(deps.keys.schedulerLastTick())) ?? NaN);
  // First ever tick: only slots still fresh count (a new install cancels nothing).
  const from = Math.max(now.getTime() - MAX_LOOKBACK, Number.isFinite(last) ? Math.min(last, now.getTime() - freshness) : now.getTime() - freshness);
  const due = slotsBetween(new Date(from), now, await deps.slotsInUse());
  const result: TickResult = { enqueued: [], cancelled: [] };
  for (const { slot, members } of due) {
    // A slot can serve daily readers, weekly readers (their own edition), or both.
    const modes: EditionJob['mode'][] = [];
    if (members.some((m) => m.weekday === undefined)) modes.push('scheduled');
    if (members.some((m) => m.weekday !== undefined)) modes.push('weekly');
    for (const mode of modes) {
      const claim = claimOf(slot, mode);
      if (await deps.redis.exists(deps.keys.slotClaim(claim))) continue;
      if (now.getTime() - Date.parse(slot) > freshness) {
        if (await cancelSlot(deps, claim, 'missed')) result.cancelled.push(claim);
        continue;
      }
      // Add first (idempotent by id), then claim: a crash in between only repeats the add.
      await deps.editionQueue.add('edition', { slot, mode }, { jobId: editionJobId(slot, mode) });
      await deps.redis.set(deps.keys.slotClaim(claim), 'enqueued', 'EX', CLAIM_TTL_SEC, 'NX');
      result.enqueued.push(claim);
    }
  }
  // Only ever move forward (two schedulers with skewed clocks must not rewind it).
  await commands(deps.redis).scheduleLastTick([deps.keys.schedulerLastTick()], [String(now.getTime())]);
  if (result.enqueued.length || result.cancelled.length) {
    deps.log.info({ event: 'scheduler.tick', ...result }, 'scheduled editions');
  }
  return result;
}

export interface CancelledSlot {
  slot: string;
  reason: string;
}

/** Slots the scheduler cancelled (missed their freshness window) at or after `sinceMs`, newest first. */
export async function cancelledSlots(deps: Pick<ScheduleDeps, 'redis' | 'keys'>, sinceMs = 0): Promise<CancelledSlot[]> {
  const slots = await deps.redis.zrevrangebyscore(deps.keys.slotsCancelled(), '+inf', sinceMs);
  if (slots.length === 0) return [];
  // The claim says `cancelled:<why>` until it expires (4 days).
  const claims = await deps.redis.mget(slots.map((s) => deps.keys.slotClaim(s)));
  return slots.map((slot, i) => ({ slot, reason: claims[i]?.startsWith('cancelled:') ? claims[i]!.slice('cancelled:'.length) : 'missed' }));
}

/** When the scheduler last ticked (ms), or null when it never has. */
export async function lastTick(deps: Pick<ScheduleDeps, 'redis' | 'keys'>): Promise<number | null> {
  const v = await deps.redis.get(deps.keys.schedulerLastTick());
  return v === null ? null : Number(v);
}
