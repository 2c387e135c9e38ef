// Subscriber store on Redis. A hash per subscriber plus indexes that one Lua
// script keeps in step with the hash (status counts, confirmed-in-id-order,
// confirmed-by-(timezone, hour) slot, pending-by-age), so a reader can be found
// by slot without scanning everyone and the confirmed list pages by keyset.
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keys.js';
import { runScript } from '../redis.js';
import { emailHash } from './address.js';
import { appendEntryLua } from './confirm-outbox.js';
import {
  ConsentSchema,
  STATUSES,
  SubscriberSchema,
  type Subscriber,
  type SubscriberStatus,
} from './model.js';

// Index entries for the record now in hash h (status count, confirmed, slot, pending, all).
// Shared by SAVE and CREATE; expects h, id, score and pendingScore in scope, KEYS[2..6] as in SAVE.
const INDEX_ADD = `
local new = redis.call('HMGET', h, 'status', 'timezone', 'sendHour')
redis.call('HINCRBY', KEYS[5], new[1], 1)
if new[1] == 'confirmed' then
  redis.call('ZADD', KEYS[2], score, id)
  redis.call('ZADD', ARGV[1] .. new[2] .. ':' .. new[3], score, id)
  redis.call('HINCRBY', KEYS[4], new[2] .. '|' .. new[3], 1)
elseif new[1] == 'pending' then
  redis.call('ZADD', KEYS[3], pendingScore, id)
end
redis.call('ZADD', KEYS[6], score, id)
`;

const SAVE = `
local h = KEYS[1]
local id = ARGV[2]
local score = tonumber(ARGV[3])
local pendingScore = tonumber(ARGV[4])
local old = redis.call('HMGET', h, 'status', 'timezone', 'sendHour')
if old[1] then
  redis.call('HINCRBY', KEYS[5], old[1], -1)
  if old[1] == 'confirmed' then
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', ARGV[1] .. old[2] .. ':' .. old[3], id)
    local f = old[2] .. '|' .. old[3]
    if redis.call('HINCRBY', KEYS[4], f, -1) <= 0 then redis.call('HDEL', KEYS[4], f) end
  elseif old[1] == 'pending' then
    redis.call('ZREM', KEYS[3], id)
  end
end
if ARGV[5] == '__delete__' then
  redis.call('DEL', h)
  redis.call('ZREM', KEYS[6], id)
  return 1
end
redis.call('HSET', h, unpack(ARGV, 5))
${INDEX_ADD}
return 1
`;

// One round trip per signup: claim the id for the address (or find the existing
// record), write the new record with its indexes, and, only when it is new, bump
// the caller's counter, take the caller's once-per-window claim and, when it is taken,
// append the confirmation to the outbox (confirm-outbox.ts).
// KEYS: by-email, confirmed, pending, slot index, status count, all, seq, [counter], [claim, [outbox]]
// ARGV: slot prefix, subscriber key prefix, email, pending score, counter ttl, claim ttl (0 = that
// key is absent), fields...
// Returns {0, id, hgetall...} for an existing record, {1, id, claimed} for a new one.
const CREATE = `
local id = redis.call('HGET', KEYS[1], ARGV[3])
if id then
  local existing = redis.call('HGETALL', ARGV[2] .. id)
  if #existing > 0 then return {0, id, unpack(existing)} end
  -- the address has an id but no record (removed half-way): write it under that id
else
  id = string.format('%012d', redis.call('INCR', KEYS[7]))
  redis.call('HSET', KEYS[1], ARGV[3], id)
end
local h = ARGV[2] .. id
local score = tonumber(id)
local pendingScore = tonumber(ARGV[4])
redis.call('HSET', h, 'id', id, unpack(ARGV, 7))
${INDEX_ADD}
local k = 8
if tonumber(ARGV[5]) > 0 then
  redis.call('INCR', KEYS[k])
  redis.call('EXPIRE', KEYS[k], tonumber(ARGV[5]))
  k = k + 1
end
local claimed = 0
if tonumber(ARGV[6]) > 0 then
  if redis.call('SET', KEYS[k], '1', 'EX', tonumber(ARGV[6]), 'NX') then
    claimed = 1
    if KEYS[k + 1] then ${appendEntryLua('KEYS[k + 1]', 'id', 'ARGV[4]')} end
  end
end
return {1, id, claimed}
`;

/**
 * Checks that must pass before a create, run in the create's own round trip (the
 * signup's rate limits and suppression: rate-limits.ts). `lua` defines
 * `local function guard(K, A)`, which returns nothing to go on or an array that stops
 * the create; K and A are `keys` and `args`.
 */
export interface CreateGuard {
  lua: string;
  keys: readonly string[];
  args: readonly (string | number)[];
}

// KEYS: guard keys, then CREATE's. ARGV: guard key count, guard arg count, guard args, then CREATE's.
// Stopped: {2, guard's array...}. The locals KEYS and ARGV hide the globals for CREATE's body.
const guarded = (guardLua: string) => `
${guardLua}
local nk, na = tonumber(ARGV[1]), tonumber(ARGV[2])
local stop = guard({unpack(KEYS, 1, nk)}, {unpack(ARGV, 3, na + 2)})
if stop then return {2, unpack(stop)} end
local KEYS, ARGV = {unpack(KEYS, nk + 1)}, {unpack(ARGV, na + 3)}
${CREATE}`;
const guardedScripts = new Map<string, string>();

/** Side effects that happen in the create script only when the record is new. */
export interface CreateExtras {
  /** INCR this key and (re)set its TTL, e.g. the daily signup counter. */
  counter?: { key: string; ttlSec: number };
  /**
   * SET NX EX this key; `claimed` in the result says whether it was taken. When it is
   * and `outbox` is set, the confirmation entry (`<id>:<at ms>`) is appended to that list.
   */
  claim?: { key: string; ttlSec: number; outbox?: string };
}

type Fields = Partial<Omit<Subscriber, 'id'>>;


function toHash(fields: Fields): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    let v: string;
    if (key === 'topics') v = (value as string[]).join(',');
    else if (key === 'consent') v = JSON.stringify(value);
    else if (value === null) v = '';
    else v = String(value);
    out.push(key, v);
  }
  return out;
}

function fromHash(hash: Record<string, string>): Subscriber | null {
  if (!hash.id) return null;
  const parsed = SubscriberSchema.safeParse({
    id: hash.id,
    email: hash.email,
    name: hash.name ?? '',
    status: hash.status,
    topics: (hash.topics ?? '').split(',').filter(Boolean),
    timezone: hash.timezone,
    sendHour: Number(hash.sendHour),
    weekdaysOnly: hash.weekdaysOnly === 'true',
    consent: ConsentSchema.safeParse(JSON.parse(hash.consent || '{}')).data ?? {
      at: hash.createdAt,
      ip: '',
      userAgent: '',
      source: 'unknown',
    },
    tokenVersion: Number(hash.tokenVersion ?? 0),
    createdAt: hash.createdAt,
    updatedAt: hash.updatedAt,
    confirmedAt: hash.confirmedAt || null,
    unsubscribedAt: hash.unsubscribedAt || null,
  });
  return parsed.success ? parsed.data : null;
}

export interface SlotCount {
  timezone: string;
  hour: number;
  count: number;
}

export interface CreateResult {
  subscriber: Subscriber;
  created: boolean;
  claimed: boolean;
}

export type NewSubscriber = Omit<Subscriber, 'id' | 'createdAt' | 'updatedAt' | 'tokenVersion'> &
  Partial<Pick<Subscriber, 'tokenVersion'>>;

export function createSubscriberStore(deps: { redis: Redis; keys: Keyspace }) {
  const { redis, keys } = deps;
  const slotPrefix = keys.slotKeyPrefix();
  const subscriberPrefix = keys.subscriber('');
  // CREATE's fixed KEYS, built once (the signup path calls it for every request).
  const createKeys = [
    keys.subscriberByEmail(),
    keys.subscribersConfirmed(),
    keys.subscribersPending(),
    keys.slotIndex(),
    keys.subscriberStatusCount(),
    keys.subscribersAll(),
    keys.subscriberSeq(),
  ];

  async function save(id: string, fields: Fields | '__delete__', at = new Date()): Promise<void> {
    const args = fields === '__delete__' ? ['__delete__'] : toHash({ ...fields, updatedAt: at.toISOString() });
    await runScript(
      redis,
      SAVE,
      [
        keys.subscriber(id),
        keys.subscribersConfirmed(),
        keys.subscribersPending(),
        keys.slotIndex(),
        keys.subscriberStatusCount(),
        keys.subscribersAll(),
      ],
      [slotPrefix, id, String(Number(id)), String(at.getTime()), ...args],
    );
  }

  async function get(id: string): Promise<Subscriber | null> {
    if (!/^\d{12}$/.test(id)) return null;
    return fromHash(await redis.hgetall(keys.subscriber(id)));
  }

  async function page(key: string, afterId: string | null, limit: number): Promise<string[]> {
    const min = afterId === null ? '-inf' : `(${Number(afterId)}`;
    return redis.zrangebyscore(key, min, '+inf', 'LIMIT', 0, limit);
  }

  /**
   * Create a subscriber unless the address exists. Returns the stored record and
   * whether it is new; an existing address is returned untouched. With a guard, the
   * guard's checks run first in the same script; `stopped` is its answer when it stops.
   */
  async function create(input: NewSubscriber, at: Date, extras: CreateExtras, guard: CreateGuard): Promise<CreateResult | { stopped: unknown[] }>;
  async function create(input: NewSubscriber, at?: Date, extras?: CreateExtras): Promise<CreateResult>;
  async function create(
    input: NewSubscriber,
    at = new Date(),
    extras: CreateExtras = {},
    guard?: CreateGuard,
  ): Promise<CreateResult | { stopped: unknown[] }> {
    const partial: Omit<Subscriber, 'id'> = {
      ...input,
      tokenVersion: input.tokenVersion ?? 0,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    let script = CREATE;
    if (guard) {
      script = guardedScripts.get(guard.lua) ?? guarded(guard.lua);
      guardedScripts.set(guard.lua, script);
    }
    const reply = (await runScript(
      redis,
      script,
      [
        ...(guard ? guard.keys : []),
        ...createKeys,
        ...(extras.counter ? [extras.counter.key] : []),
        ...(extras.claim ? [extras.claim.key, ...(extras.claim.outbox ? [extras.claim.outbox] : [])] : []),
      ],
      [
        ...(guard ? [guard.keys.length, guard.args.length, ...guard.args] : []),
        slotPrefix,
        subscriberPrefix,
        input.email,
        String(at.getTime()),
        String(extras.counter?.ttlSec ?? 0),
        String(extras.claim?.ttlSec ?? 0),
        ...toHash(partial),
      ],
    )) as [number, string, ...(string | number)[]];
    if (reply[0] === 2) return { stopped: reply.slice(1) };
    const [fresh, id, ...rest] = reply;
    if (!fresh) {
      const hash: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) hash[String(rest[i])] = String(rest[i + 1]);
      const existing = fromHash(hash);
      if (existing) return { subscriber: existing, created: false, claimed: false };
      // A record in an unreadable shape under this address: overwrite it (indexes follow).
      const record: Subscriber = { ...partial, id };
      await save(id, { ...record }, at);
      return { subscriber: record, created: true, claimed: false };
    }
    return { subscriber: { ...partial, id }, created: true, claimed: rest[0] === 1 };
  }

  return {
    get,
    /** A record from a hash read elsewhere (the send ledger's claim reads it in its own script). */
    parse: fromHash,

    async getMany(ids: string[]): Promise<(Subscriber | null)[]> {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.subscriber(id));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, hash]) => (err ? null : fromHash(hash as Record<string, string>)));
    },

    async findByEmail(email: string): Promise<Subscriber | null> {
      const id = await redis.hget(keys.subscriberByEmail(), email);
      return id ? get(id) : null;
    },

    create,

    /** Change fields; indexes follow. */
    async update(id: string, fields: Fields, at = new Date()): Promise<Subscriber | null> {
      if (!(await redis.exists(keys.subscriber(id)))) return null;
      await save(id, fields, at);
      return get(id);
    },

    async setStatus(id: string, status: SubscriberStatus, at = new Date()): Promise<Subscriber | null> {
      const fields: Fields = { status };
      if (status === 'confirmed') fields.confirmedAt = at.toISOString();
      if (status === 'unsubscribed') fields.unsubscribedAt = at.toISOString();
      return this.update(id, fields, at);
    },

    /** Remove a subscriber and every index entry (the suppression entry, if any, stays). */
    async remove(id: string): Promise<boolean> {
      const sub = await get(id);
      if (!sub) {
        await redis.zrem(keys.subscribersPending(), id); // a dangling index entry: drop it
        return false;
      }
      await save(id, '__delete__');
      await redis.hdel(keys.subscriberByEmail(), sub.email);
      return true;
    },

    /** Confirmed subscriber ids after `afterId`, in id order (keyset cursor). */
    pageConfirmed: (afterId: string | null, limit: number) => page(keys.subscribersConfirmed(), afterId, limit),
    /** Confirmed subscriber ids of one (timezone, hour) slot, in id order. */
    pageSlot: (timezone: string, hour: number, afterId: string | null, limit: number) =>
      page(keys.subscribersBySlot(timezone, hour), afterId, limit),
    /** All subscriber ids (any status), in id order. */
    pageAll: (afterId: string | null, limit: number) => page(keys.subscribersAll(), afterId, limit),

    async slotsInUse(): Promise<SlotCount[]> {
      const hash = await redis.hgetall(keys.slotIndex());
      return Object.entries(hash)
        .map(([field, count]) => {
          const sep = field.lastIndexOf('|');
          return { timezone: field.slice(0, sep), hour: Number(field.slice(sep + 1)), count: Number(count) };
        })
        .filter((s) => s.count > 0)
        .sort((a, b) => a.timezone.localeCompare(b.timezone) || a.hour - b.hour);
    },

    async countsByStatus(): Promise<Record<SubscriberStatus, number>> {
      const hash = await redis.hgetall(keys.subscriberStatusCount());
      return Object.fromEntries(STATUSES.map((s) => [s, Math.max(0, Number(hash[s] ?? 0))])) as Record<
        SubscriberStatus,
        number
      >;
    },

    /** Pending subscribers whose last change is older than `before`. */
    async pendingOlderThan(before: Date, limit = 1000): Promise<string[]> {
      return redis.zrangebyscore(keys.subscribersPending(), '-inf', `(${before.getTime()}`, 'LIMIT', 0, limit);
    },

    // --- suppression: hashes of addresses that must never be mailed again ---
    async isSuppressed(email: string): Promise<boolean> {
      return (await redis.sismember(keys.suppression(), emailHash(email))) === 1;
    },
    async suppress(email: string, reason: string, at = new Date()): Promise<void> {
      const hash = emailHash(email);
      await redis
        .multi()
        .sadd(keys.suppression(), hash)
        .hset(keys.suppressionInfo(), hash, JSON.stringify({ reason, at: at.toISOString() }))
        .exec();
    },
    async unsuppress(email: string): Promise<void> {
      const hash = emailHash(email);
      await redis.multi().srem(keys.suppression(), hash).hdel(keys.suppressionInfo(), hash).exec();
    },
    suppressionCount: () => redis.scard(keys.suppression()),
  };
}

export type SubscriberStore = ReturnType<typeof createSubscriberStore>;
