// Messages by outcome across every edition, as a monotonic counter that every
// api instance computes the same way from Redis. The ledger keeps counters per
// edition and expires them after its retention; so editions older than FOLD_AFTER
// are added once into one totals hash (compare-and-set on its `upTo` mark), and
// the total is that hash plus the editions newer than the mark.
import type { RedisClient } from '../redis.js';

export const OUTCOMES = ['sent', 'failed', 'bounced', 'unknown', 'skipped'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeCounts = Record<Outcome, number>;

export interface MessageTotalsKeys {
  messageTotals(): string;
  editionIndex(): string;
  ledgerMeta(editionId: string): string;
}

/** Counts of an edition stop changing within hours; fold well before the ledger's 30-day expiry. */
export const FOLD_AFTER_MS = 3 * 86_400_000;

// KEYS: totals. ARGV: expected upTo ('' for none), new upTo, then outcome/count pairs.
const FOLD = `
local cur = redis.call('HGET', KEYS[1], 'upTo') or ''
if cur ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end
redis.call('HSET', KEYS[1], 'upTo', ARGV[2])
return 1`;

const zero = (): OutcomeCounts => ({ sent: 0, failed: 0, bounced: 0, unknown: 0, skipped: 0 });

async function sumEditions(redis: RedisClient, keys: MessageTotalsKeys, ids: string[]): Promise<OutcomeCounts> {
  const sum = zero();
  if (ids.length === 0) return sum;
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hmget(keys.ledgerMeta(id), ...OUTCOMES);
  for (const [err, values] of (await pipe.exec()) ?? []) {
    if (err) throw err;
    OUTCOMES.forEach((o, i) => (sum[o] += Number((values as (string | null)[])[i] ?? 0) || 0));
  }
  return sum;
}

/** Fold editions whose slot is older than FOLD_AFTER into the totals; a concurrent fold makes this a no-op. */
export async function foldOldEditions(deps: { redis: RedisClient; keys: MessageTotalsKeys }, now = Date.now()): Promise<boolean> {
  const { redis, keys } = deps;
  const upTo = await redis.hget(keys.messageTotals(), 'upTo');
  const cutoff = now - FOLD_AFTER_MS;
  const from = upTo === null ? '-inf' : `(${upTo}`;
  if (upTo !== null && Number(upTo) >= cutoff) return false;
  const ids = await redis.zrangebyscore(keys.editionIndex(), from, cutoff);
  const sum = await sumEditions(redis, keys, ids);
  const args = OUTCOMES.flatMap((o) => [o, String(sum[o])]);
  return (await redis.eval(FOLD, 1, keys.messageTotals(), upTo ?? '', String(cutoff), ...args)) === 1;
}

/** Every message outcome so far (folded totals + editions newer than the fold mark). */
export async function messageTotals(deps: { redis: RedisClient; keys: MessageTotalsKeys }, now = Date.now()): Promise<OutcomeCounts> {
  const { redis, keys } = deps;
  // Folding writes; a full Redis refuses it, and the totals below stay right without it.
  await foldOldEditions(deps, now).catch(() => false);
  // One snapshot of the hash: the mark and the totals it covers belong together.
  const folded = await redis.hgetall(keys.messageTotals());
  const from = folded.upTo === undefined ? '-inf' : `(${folded.upTo}`;
  const recent = await sumEditions(redis, keys, await redis.zrangebyscore(keys.editionIndex(), from, '+inf'));
  const out = zero();
  for (const o of OUTCOMES) out[o] = (Number(folded[o] ?? 0) || 0) + recent[o];
  return out;
}
