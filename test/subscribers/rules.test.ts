// The suppression rule the send path and the bounce webhook share.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { keyspace } from '../../src/keys.js';
import { markUndeliverable } from '../../src/subscribers/rules.js';
import { createSubscriberStore, type SubscriberStore } from '../../src/subscribers/store.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';

describe('markUndeliverable', () => {
  let redis: Redis;
  let prefix: string;
  let store: SubscriberStore;
  beforeEach(() => {
    redis = testRedis();
    prefix = uniquePrefix('rules');
    store = createSubscriberStore({ redis, keys: keyspace(prefix) });
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  const reader = (email: string, status: 'confirmed' | 'unsubscribed') =>
    store.create({
      email, name: '', status, topics: ['world'], timezone: 'UTC', sendHour: 7, weekdaysOnly: false,
      consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
    });

  it('suppresses the address, records why, and keeps a reader\'s own unsubscribe on record', async () => {
    const a = (await reader('a@example.com', 'confirmed')).subscriber;
    const b = (await reader('b@example.com', 'unsubscribed')).subscriber;
    await markUndeliverable(store, 'a@example.com', { status: 'bounced', reason: 'smtp 550' }, a); // the send path has the record
    await markUndeliverable(store, 'b@example.com', { status: 'complained', reason: 'webhook complaint' }); // the webhook looks it up
    await markUndeliverable(store, 'nobody@example.com', { status: 'bounced', reason: 'webhook bounce' });
    expect((await store.get(a.id))!.status).toBe('bounced');
    expect((await store.get(b.id))!.status).toBe('unsubscribed');
    for (const email of ['a@example.com', 'b@example.com', 'nobody@example.com']) expect(await store.isSuppressed(email)).toBe(true);
  });
});
