// Subscriber store on Redis. A hash per subscriber plus indexes that one Lua
// script (lua/store-save.lua and its pieces) keeps in step with the hash (status counts, confirmed-in-id-order,
// confirmed-by-(timezone, hour) slot, pending-by-age), so a reader can be found
// by slot without scanning everyone and the confirmed list pages by keyset.
import type { RedisClient } from '../redis.js';
import type { Keyspace } from '../keys.js';
import { emailHash } from './address.js';
import {
  CHOICE_DEFAULTS,
  ConsentSchema,
  STATUSES,
  WEEKDAYS,
  SubscriberSchema,
  type Subscriber,
  type SubscriberStatus,
} from './model.js';
import { storeCommands, type StoreGuard } from './store-scripts.js';

export type { StoreGuard };

type Fields = Partial<Omit<Subscriber, 'id'>>;


function toHash(fields: Fields): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    let v: string;
    // Sorted: the slot index counts readers per stored topic list (lua/store-index-add.lua).
    if (key === 'topics') v = [...new Set(value as string[])].sort().join(',');
    else if (key === 'watchlist') v = (value as string[]).join(',');
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
    cadence: hash.cadence || CHOICE_DEFAULTS.cadence,
    weeklyDay: hash.weeklyDay || CHOICE_DEFAULTS.weeklyDay,
    watchlist: (hash.watchlist ?? '').split(',').filter(Boolean),
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
  /** Weekly readers' slots carry their local weekday (0 = Sunday, as in slot maths); daily ones none. */
  weekday?: number;
  count: number;
}

export interface CreateResult {
  subscriber: Subscriber;
  created: boolean;
}

/** What a signup found: `new`, or the status the address had before. */
export type SignupState = 'new' | SubscriberStatus;

export interface SignupResult {
  state: SignupState;
  id: string;
  /** The 24 h confirmation claim was taken and the confirmation handed to the outbox. */
  claimed: boolean;
}

/** The signup's side effects: the daily counter, the 24 h claim and the outbox it appends to. */
export interface SignupExtras {
  counter: { key: string; ttlSec: number };
  claim: { key: string; ttlSec: number; outbox: string };
}

export type NewSubscriber = Omit<Subscriber, 'id' | 'createdAt' | 'updatedAt' | 'tokenVersion' | keyof typeof CHOICE_DEFAULTS> &
  Partial<Pick<Subscriber, 'tokenVersion' | keyof typeof CHOICE_DEFAULTS>>;

/** A slot's base field in the slot index: `timezone|hour`, or `timezone|hour|@day` for weekly readers. */
const slotField = (s: { timezone: string; hour: number; weekday?: number }) =>
  s.weekday === undefined ? `${s.timezone}|${s.hour}` : `${s.timezone}|${s.hour}|@${WEEKDAYS[s.weekday]}`;

/**
 * The slot index: `<slot>` → readers, and `<slot>|topics` → readers with that topic list,
 * where `<slot>` is `timezone|hour` (daily) or `timezone|hour|@day` (weekly, lua/store-slot-of.lua).
 */
function slotCounts(hash: Record<string, string>): { slots: SlotCount[]; topics: Map<string, Map<string, number>> } {
  const slots: SlotCount[] = [];
  const topics = new Map<string, Map<string, number>>();
  for (const [field, value] of Object.entries(hash)) {
    const count = Number(value);
    if (!(count > 0)) continue;
    const parts = field.split('|');
    const [timezone = '', hour = ''] = parts;
    const day = parts[2]?.startsWith('@') ? parts[2].slice(1) : undefined;
    const weekday = day === undefined ? -1 : WEEKDAYS.findIndex((d) => d === day);
    const slot: SlotCount = { timezone, hour: Number(hour), ...(weekday >= 0 ? { weekday } : {}), count };
    const combo = parts[day === undefined ? 2 : 3];
    if (combo === undefined) {
      slots.push(slot);
    } else {
      const base = slotField(slot);
      if (!topics.has(base)) topics.set(base, new Map());
      topics.get(base)!.set(combo, count);
    }
  }
  slots.sort((a, b) => a.timezone.localeCompare(b.timezone) || a.hour - b.hour || (a.weekday ?? -1) - (b.weekday ?? -1));
  return { slots, topics };
}

export function createSubscriberStore(deps: { redis: RedisClient; keys: Keyspace }) {
  const { redis, keys } = deps;
  const lua = storeCommands(redis);
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
  const padKeys = ['by-email', 'confirmed', 'pending', 'slots', 'status-count', 'all', 'seq', 'counter', 'claim', 'outbox', 'record'].map(keys.signupPad);

  async function save(id: string, fields: Fields | '__delete__', at = new Date()): Promise<void> {
    const args = fields === '__delete__' ? ['__delete__'] : toHash({ ...fields, updatedAt: at.toISOString() });
    await lua.subscriberSave(
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

  /** A confirmed slot's readers: daily readers by (timezone, hour), weekly ones by day as well. */
  const slotSet = (slot: { timezone: string; hour: number; weekday?: number }) =>
    slot.weekday === undefined
      ? keys.subscribersBySlot(slot.timezone, slot.hour)
      : keys.subscribersByWeeklySlot(slot.timezone, slot.hour, WEEKDAYS[slot.weekday] ?? 'mon');

  async function get(id: string): Promise<Subscriber | null> {
    if (!/^\d{12}$/.test(id)) return null;
    return fromHash(await redis.hgetall(keys.subscriber(id)));
  }

  async function page(key: string, afterId: string | null, limit: number): Promise<string[]> {
    const min = afterId === null ? '-inf' : `(${Number(afterId)}`;
    return redis.zrangebyscore(key, min, '+inf', 'LIMIT', 0, limit);
  }

  /**
   * Create a subscriber unless the address exists (the CLI's import, tests). Returns the
   * stored record and whether it is new; an existing address is returned untouched.
   */
  async function create(input: NewSubscriber, at = new Date()): Promise<CreateResult> {
    const partial: Omit<Subscriber, 'id'> = {
      ...CHOICE_DEFAULTS,
      ...input,
      tokenVersion: input.tokenVersion ?? 0,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    const reply = (await lua.subscriberCreate(createKeys, [slotPrefix, subscriberPrefix, input.email, String(at.getTime()), ...toHash(partial)])) as [
      number,
      string,
      ...string[],
    ];
    const [fresh, id, ...rest] = reply;
    if (!fresh) {
      const hash: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) hash[rest[i]!] = rest[i + 1]!;
      const existing = fromHash(hash);
      if (existing) return { subscriber: existing, created: false };
      // A record in an unreadable shape under this address: overwrite it (indexes follow).
      const record: Subscriber = { ...partial, id };
      await save(id, { ...record }, at);
      return { subscriber: record, created: true };
    }
    return { subscriber: { ...partial, id }, created: true };
  }

  /**
   * The public signup in one round trip whatever the address's state (lua/signup.lua): a new
   * record, a fresh opt-in for an unsubscribed one, a re-sent confirmation for a pending one,
   * nothing for the others. With a guard, its checks run first; `stopped` is its answer.
   */
  async function signup(input: NewSubscriber, at: Date, extras: SignupExtras, guard: StoreGuard | undefined): Promise<SignupResult | { stopped: unknown[] }>;
  async function signup(input: NewSubscriber, at: Date, extras: SignupExtras): Promise<SignupResult>;
  async function signup(input: NewSubscriber, at: Date, extras: SignupExtras, guard?: StoreGuard): Promise<SignupResult | { stopped: unknown[] }> {
    const fields = toHash({ ...CHOICE_DEFAULTS, ...input, tokenVersion: 0, createdAt: at.toISOString(), updatedAt: at.toISOString() });
    const signupKeys = [...createKeys, extras.counter.key, extras.claim.key, extras.claim.outbox, ...padKeys];
    const signupArgs = [slotPrefix, subscriberPrefix, input.email, String(at.getTime()), String(extras.counter.ttlSec), String(extras.claim.ttlSec), ...fields];
    const reply = (await (guard
      ? lua.subscriberSignupGuarded([...guard.keys, ...signupKeys], [guard.keys.length, guard.args.length, ...guard.args, ...signupArgs])
      : lua.subscriberSignup(signupKeys, signupArgs))) as (string | number)[];
    if (reply[0] === 2) return { stopped: reply.slice(1) };
    return { state: String(reply[0]) as SignupState, id: String(reply[1]), claimed: reply[2] === 1 };
  }

  return {
    get,
    signup,
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
    /** Confirmed daily readers of one (timezone, hour) slot, in id order. */
    pageSlot: (timezone: string, hour: number, afterId: string | null, limit: number) =>
      page(slotSet({ timezone, hour }), afterId, limit),
    /** Confirmed weekly readers of one (timezone, hour, weekday 0–6) slot, in id order: a daily slot never reads these. */
    pageWeeklySlot: (timezone: string, hour: number, weekday: number, afterId: string | null, limit: number) =>
      page(slotSet({ timezone, hour, weekday }), afterId, limit),
    /** All subscriber ids (any status), in id order. */
    pageAll: (afterId: string | null, limit: number) => page(keys.subscribersAll(), afterId, limit),

    async slotsInUse(): Promise<SlotCount[]> {
      return slotCounts(await redis.hgetall(keys.slotIndex())).slots;
    },

    /**
     * The topic combinations (sorted topic ids) confirmed readers of these slots have, or
     * of every confirmed reader without `slots`. Read from the slot index's counts; a slot
     * whose counts do not add up (readers confirmed before the index counted topics) is
     * recounted once, in Redis.
     */
    async topicSetsIn(slots?: readonly { timezone: string; hour: number; weekday?: number }[]): Promise<string[][]> {
      const index = slotCounts(await redis.hgetall(keys.slotIndex()));
      const wanted = slots ? new Set(slots.map(slotField)) : null;
      const sets = new Set<string>();
      for (const slot of index.slots) {
        const field = slotField(slot);
        if (wanted && !wanted.has(field)) continue;
        const combos = index.topics.get(field) ?? new Map<string, number>();
        let counted = 0;
        for (const [topics, n] of combos) {
          counted += n;
          sets.add(topics);
        }
        if (counted < slot.count) {
          const recounted = (await lua.subscriberRecountSlotTopics([keys.slotIndex(), slotSet(slot)], [field, subscriberPrefix])) as string[];
          for (const topics of recounted) sets.add(topics);
        }
      }
      return [...sets].map((t) => t.split(',').filter(Boolean));
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
    /** The suppressed ones among `emails`, in one round trip. */
    async suppressedAmong(emails: readonly string[]): Promise<Set<string>> {
      if (emails.length === 0) return new Set();
      const found = await redis.smismember(keys.suppression(), ...emails.map((e) => emailHash(e)));
      return new Set(emails.filter((_, i) => found[i] === 1));
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
