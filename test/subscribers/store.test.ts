import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { keyspace } from '../../src/keys.js';
import { createSubscriberStore, type NewSubscriber, type SubscriberStore } from '../../src/subscribers/store.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';

const person = (email: string, extra: Partial<NewSubscriber> = {}): NewSubscriber => ({
  email,
  name: '',
  status: 'confirmed',
  topics: ['markets', 'world'],
  timezone: 'Europe/London',
  sendHour: 7,
  weekdaysOnly: false,
  consent: { at: new Date().toISOString(), ip: '127.0.0.1', userAgent: 'test', source: 'test' },
  confirmedAt: new Date().toISOString(),
  unsubscribedAt: null,
  ...extra,
});

describe('subscriber store', () => {
  let redis: Redis;
  let prefix: string;
  let store: SubscriberStore;

  beforeEach(() => {
    redis = testRedis();
    prefix = uniquePrefix('store');
    store = createSubscriberStore({ redis, keys: keyspace(prefix) });
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('keeps one record per address and zero-padded ids in creation order', async () => {
    const a = await store.create(person('a@example.com'));
    const again = await store.create(person('a@example.com', { name: 'Someone else' }));
    const b = await store.create(person('b@example.com'));
    expect(a.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.subscriber.name).toBe('');
    expect(a.subscriber.id).toBe('000000000001');
    expect(b.subscriber.id).toBe('000000000002');
    expect(await store.findByEmail('a@example.com')).toMatchObject({ id: a.subscriber.id, status: 'confirmed' });
  });

  it('signs up in one script whatever the state: a new record, a fresh opt-in after unsubscribing, a re-send for pending, nothing for the rest', async () => {
    const extras = { counter: { key: `${prefix}:count`, ttlSec: 60 }, claim: { key: `${prefix}:claim`, ttlSec: 60, outbox: `${prefix}:outbox` } };
    const pending = person('c@example.com', { status: 'pending', confirmedAt: null, name: 'New choice' });
    const at = new Date();
    const first = await store.signup(pending, at, extras);
    expect(first).toEqual({ state: 'new', id: '000000000001', claimed: true });
    expect(await store.get(first.id)).toMatchObject({ status: 'pending', tokenVersion: 0, name: 'New choice' });
    expect(await store.signup(pending, new Date(), extras)).toEqual({ state: 'pending', id: first.id, claimed: false }); // claim held
    expect(await redis.get(`${prefix}:count`)).toBe('1');
    expect(await redis.lrange(`${prefix}:outbox`, 0, -1)).toEqual([`${first.id}:${at.getTime()}`]);

    await store.setStatus(first.id, 'unsubscribed');
    await redis.del(`${prefix}:claim`);
    const back = await store.signup(person('c@example.com', { status: 'pending', confirmedAt: null, topics: ['world'] }), new Date(), extras);
    expect(back).toEqual({ state: 'unsubscribed', id: first.id, claimed: true });
    expect(await store.get(first.id)).toMatchObject({ status: 'pending', topics: ['world'], tokenVersion: 1, unsubscribedAt: null });
    expect(await store.countsByStatus()).toMatchObject({ pending: 1, unsubscribed: 0 });
    expect(await store.pendingOlderThan(new Date(Date.now() + 1000))).toEqual([first.id]);

    await store.setStatus(first.id, 'confirmed');
    const before = await store.get(first.id);
    await redis.del(`${prefix}:claim`);
    expect(await store.signup(pending, new Date(), extras)).toEqual({ state: 'confirmed', id: first.id, claimed: false });
    expect(await store.get(first.id)).toEqual(before); // never downgraded, nothing changed
    expect(await redis.exists(`${prefix}:claim`)).toBe(0);
    expect(await redis.get(`${prefix}:count`)).toBe('2');
    expect(await store.pageAll(null, 10)).toEqual([first.id]); // the pad is not a subscriber
  });

  it('runs the signup guard first in the signup script; when it stops, nothing real is written', async () => {
    const extras = { counter: { key: `${prefix}:count`, ttlSec: 60 }, claim: { key: `${prefix}:claim`, ttlSec: 60, outbox: `${prefix}:outbox` } };
    // lua/signup-guard.lua: IP counter, address counter, suppression set; limits and windows, the address hash.
    const guard = { keys: [`${prefix}:ip`, `${prefix}:addr`, `${prefix}:stop`], args: [10, 60, 10, 60, 'hash-f'] };
    expect(await store.signup(person('e@example.com'), new Date(), extras, guard)).toMatchObject({ state: 'new', id: '000000000001' });
    await redis.sadd(`${prefix}:stop`, 'hash-f');
    expect(await store.signup(person('f@example.com'), new Date(), extras, guard)).toEqual({ stopped: [0, 1, 1] });
    expect(await store.findByEmail('f@example.com')).toBeNull();
    expect(await store.countsByStatus()).toMatchObject({ confirmed: 1 });
    expect(await redis.get(`${prefix}:count`)).toBe('1');
    expect(await redis.llen(`${prefix}:outbox`)).toBe(1);
  });

  it('finds readers by (timezone, hour) and follows changes of slot and status', async () => {
    const london7 = await store.create(person('l7@example.com'));
    await store.create(person('l8@example.com', { sendHour: 8 }));
    await store.create(person('k7@example.com', { timezone: 'Asia/Kolkata' }));
    await store.create(person('pending@example.com', { status: 'pending', confirmedAt: null }));

    expect(await store.slotsInUse()).toEqual([
      { timezone: 'Asia/Kolkata', hour: 7, count: 1 },
      { timezone: 'Europe/London', hour: 7, count: 1 },
      { timezone: 'Europe/London', hour: 8, count: 1 },
    ]);
    expect(await store.pageSlot('Europe/London', 7, null, 10)).toEqual([london7.subscriber.id]);

    await store.update(london7.subscriber.id, { sendHour: 8 });
    expect(await store.pageSlot('Europe/London', 7, null, 10)).toEqual([]);
    expect(await store.pageSlot('Europe/London', 8, null, 10)).toHaveLength(2);

    await store.setStatus(london7.subscriber.id, 'unsubscribed');
    expect(await store.pageSlot('Europe/London', 8, null, 10)).toHaveLength(1);
    expect((await store.slotsInUse()).find((s) => s.timezone === 'Europe/London' && s.hour === 8)?.count).toBe(1);
    expect(await store.countsByStatus()).toEqual({ pending: 1, confirmed: 2, unsubscribed: 1, bounced: 0, complained: 0 });
  });

  it('counts the topic combinations of confirmed readers per slot, through every change', async () => {
    const a = await store.create(person('a@example.com', { topics: ['world', 'markets'] })); // stored sorted
    await store.create(person('b@example.com', { topics: ['crypto'] }));
    await store.create(person('c@example.com', { topics: ['crypto'], sendHour: 9 }));
    await store.create(person('p@example.com', { topics: ['world'], status: 'pending', confirmedAt: null }));
    const sets = async (slots?: { timezone: string; hour: number }[]) => (await store.topicSetsIn(slots)).map((t) => t.join('+')).sort();
    expect(await sets()).toEqual(['crypto', 'markets+world']);
    expect(await sets([{ timezone: 'Europe/London', hour: 9 }])).toEqual(['crypto']);

    await store.update(a.subscriber.id, { topics: ['crypto', 'world'] });
    expect(await sets([{ timezone: 'Europe/London', hour: 7 }])).toEqual(['crypto', 'crypto+world']);
    await store.setStatus(a.subscriber.id, 'unsubscribed');
    expect(await sets([{ timezone: 'Europe/London', hour: 7 }])).toEqual(['crypto']);
    // Slots list only (timezone, hour) counts, never the per-topic ones.
    expect(await store.slotsInUse()).toEqual([
      { timezone: 'Europe/London', hour: 7, count: 1 },
      { timezone: 'Europe/London', hour: 9, count: 1 },
    ]);

    // Readers confirmed before the index counted topics: the slot is recounted once, in Redis.
    await redis.hdel(keyspace(prefix).slotIndex(), 'Europe/London|9|crypto');
    expect(await sets([{ timezone: 'Europe/London', hour: 9 }])).toEqual(['crypto']);
    expect(await redis.hget(keyspace(prefix).slotIndex(), 'Europe/London|9|crypto')).toBe('1');
    expect(await redis.hget(keyspace(prefix).slotIndex(), 'Europe/London|7|crypto')).toBe('1'); // other slots untouched
  });

  it('counts weekly readers apart from the daily readers of the same hour, and recounts each alone', async () => {
    await store.create(person('d@example.com', { topics: ['crypto'], sendHour: 9 }));
    await store.create(person('w@example.com', { topics: ['world'], sendHour: 9, cadence: 'weekly', weeklyDay: 'wed' }));
    const index = keyspace(prefix).slotIndex();
    type Slot = { timezone: string; hour: number; weekday?: number };
    const sets = async (slots: Slot[]) => (await store.topicSetsIn(slots)).map((t) => t.join('+')).sort();
    const daily: Slot = { timezone: 'Europe/London', hour: 9 };
    const wednesday: Slot = { ...daily, weekday: 3 };
    expect(await sets([daily])).toEqual(['crypto']);
    expect(await sets([wednesday])).toEqual(['world']);
    expect(await sets([{ ...daily, weekday: 4 }])).toEqual([]);

    // A daily recount leaves the weekly fields of the same hour (`Europe/London|9|@wed...`) alone.
    await redis.hdel(index, 'Europe/London|9|crypto');
    expect(await sets([daily])).toEqual(['crypto']);
    expect(await redis.hget(index, 'Europe/London|9|@wed')).toBe('1');
    expect(await redis.hget(index, 'Europe/London|9|@wed|world')).toBe('1');
    // A weekly slot is recounted from its own readers.
    await redis.hdel(index, 'Europe/London|9|@wed|world');
    expect(await sets([wednesday])).toEqual(['world']);
    expect(await redis.hget(index, 'Europe/London|9|@wed|world')).toBe('1');
    expect(await redis.hget(index, 'Europe/London|9|crypto')).toBe('1');
  });

  it('pages confirmed readers by keyset cursor without gaps or repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const { subscriber } = await store.create(person(`r${i}@example.com`, i % 5 === 0 ? { status: 'pending', confirmedAt: null } : {}));
      if (i % 5 !== 0) ids.push(subscriber.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.pageConfirmed(after, 7);
      if (page.length === 0) break;
      seen.push(...page);
      after = page.at(-1)!;
    }
    expect(seen).toEqual(ids);
  });

  it('removes every trace but keeps a suppression entry when asked', async () => {
    const { subscriber } = await store.create(person('gone@example.com'));
    await store.remove(subscriber.id);
    await store.suppress('gone@example.com', 'forgotten');
    expect(await store.findByEmail('gone@example.com')).toBeNull();
    expect(await store.slotsInUse()).toEqual([]);
    expect(await store.pageConfirmed(null, 10)).toEqual([]);
    expect(await store.isSuppressed('gone@example.com')).toBe(true);
    const keys = await redis.keys(`${prefix}:*`);
    const dump = (await Promise.all(keys.map(async (k) => JSON.stringify(await redis.dump(k))))).join('');
    expect(dump).not.toContain('gone@example.com');
  });

  it('lists pending subscribers older than a cut-off', async () => {
    const old = new Date(Date.now() - 8 * 86400_000);
    const { subscriber } = await store.create(person('old@example.com', { status: 'pending', confirmedAt: null }), old);
    await store.create(person('new@example.com', { status: 'pending', confirmedAt: null }));
    expect(await store.pendingOlderThan(new Date(Date.now() - 7 * 86400_000))).toEqual([subscriber.id]);
  });
});
