// Fast seeding for benchmarks. Subscribers are written straight in the store's
// layout (src/subscribers/store.ts: hash per subscriber, by-email index, confirmed /
// all / slot zsets scored by id, slot and status counters), a few thousand per
// pipeline; `verifySeed` then reads a sample back through the real store so a
// layout drift fails the benchmark instead of skewing it.
import type { RedisClient } from '../../src/redis.js';
import type { Keyspace } from '../../src/keys.js';
import { createSubscriberStore } from '../../src/subscribers/store.js';
import { createStoryPool } from '../../src/stories/pool.js';
import type { Story } from '../../src/stories/model.js';
import { check } from './report.js';
import { poolMarket } from './story-pool.js';

/** Names of configured market symbols (config/sources.json) some seeded headlines use. */
const NAMED = ['the Nasdaq', 'the Dow', 'Brent', 'the euro', 'Bitcoin', 'the FTSE', 'the DAX', 'the Nikkei'];

export const readerEmail = (i: number): string => `r${i}@example.test`;
export const subscriberId = (i: number): string => String(i).padStart(12, '0');

const TOPIC_MIX: string[][] = [['markets'], ['world'], ['markets', 'world'], ['markets', 'world']];
/** The variant reader i reads (the same mix the seed writes). */
export const variantKeyOf = (i: number): string => TOPIC_MIX[i % 4]!.join('+');

/** Confirmed readers 1..n (ids 000000000001…), UTC 07:00, a mix of topics. */
export async function seedConfirmed(redis: RedisClient, keys: Keyspace, n: number, batch = 2000): Promise<void> {
  const at = new Date().toISOString();
  const consent = JSON.stringify({ at, ip: '127.0.0.1', userAgent: 'bench', source: 'import-confirmed' });
  const slotKey = keys.subscribersBySlot('UTC', 7);
  const inFlight: Promise<unknown>[] = [];
  for (let start = 1; start <= n; start += batch) {
    const end = Math.min(n, start + batch - 1);
    const p = redis.pipeline();
    const byEmail: string[] = [];
    const scored: (string | number)[] = [];
    for (let i = start; i <= end; i += 1) {
      const id = subscriberId(i);
      const email = readerEmail(i);
      p.hset(keys.subscriber(id), {
        email, name: `Reader ${i}`, status: 'confirmed', topics: TOPIC_MIX[i % 4]!.join(','), timezone: 'UTC', sendHour: '7',
        weekdaysOnly: 'false', consent, tokenVersion: '0', createdAt: at, updatedAt: at, confirmedAt: at, unsubscribedAt: '', id,
      });
      byEmail.push(email, id);
      scored.push(i, id);
    }
    p.hset(keys.subscriberByEmail(), ...byEmail);
    p.zadd(keys.subscribersConfirmed(), ...scored);
    p.zadd(keys.subscribersAll(), ...scored);
    p.zadd(slotKey, ...scored);
    p.hincrby(keys.slotIndex(), 'UTC|7', end - start + 1);
    // The slot index also counts readers per topic list (as the store's Lua does).
    const perMix = new Map<string, number>();
    for (let i = start; i <= end; i += 1) perMix.set(TOPIC_MIX[i % 4]!.join(','), (perMix.get(TOPIC_MIX[i % 4]!.join(',')) ?? 0) + 1);
    for (const [topics, count] of perMix) p.hincrby(keys.slotIndex(), `UTC|7|${topics}`, count);
    p.hincrby(keys.subscriberStatusCount(), 'confirmed', end - start + 1);
    inFlight.push(p.exec());
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await redis.set(keys.subscriberSeq(), String(n));
}

/** Read a sample back through the real store: the layout must be what it expects. */
export async function verifySeed(redis: RedisClient, keys: Keyspace, n: number): Promise<void> {
  const store = createSubscriberStore({ redis, keys });
  for (const i of [1, Math.ceil(n / 2), n]) {
    const sub = await store.get(subscriberId(i));
    check(sub?.email === readerEmail(i) && sub.status === 'confirmed', `seeded subscriber ${i} does not read back through the store`);
    check((await store.findByEmail(readerEmail(i)))?.id === subscriberId(i), `by-email index wrong for ${i}`);
  }
  check((await store.countsByStatus()).confirmed === n, 'status count wrong after seeding');
  check((await store.pageConfirmed(subscriberId(n - 1), 10)).join() === subscriberId(n), 'confirmed keyset page wrong after seeding');
}

/** `count` single-story clusters published in the 20 h before `now`, half markets, half world. */
export async function seedStories(redis: RedisClient, keys: Keyspace, count: number, now = new Date()): Promise<void> {
  const pool = createStoryPool({ redis, keys });
  const text =
    'Officials said on Monday that the decision followed weeks of talks, and analysts expect the move to weigh on ' +
    'prices through the end of the quarter while investors wait for more data on inflation and hiring.';
  const groups = Array.from({ length: count }, (_, n) => {
    const section = n % 2 ? 'world' : 'markets';
    const publishedAt = new Date(now.getTime() - ((n * 7919) % 72_000) * 1000 - 60_000).toISOString();
    const story: Story = {
      id: `s-${n}`,
      sourceId: `src-${n % 40}`,
      sourceName: `Source ${n % 40}`,
      // One story in four names an instrument, as market news does: watchlist readers see it marked.
      title: `${section === 'markets' ? 'Stocks' : 'Summit'} story ${n}: talks ${n % 13} move the needle on item ${n % 17}${n % 4 === 0 ? `, and ${NAMED[(n / 4) % NAMED.length]} reacts` : ''}`,
      url: `https://source${n % 40}.example.com/${section}/${n}`,
      summary: `${text} (${n})`,
      imageUrl: n % 3 === 0 ? `https://img.example.com/${section}/${n}.jpg` : undefined,
      publishedAt,
      fetchedAt: publishedAt,
      section,
    };
    return { id: `c-${n}`, members: [story] };
  });
  for (let i = 0; i < groups.length; i += 500) await pool.saveClusters(groups.slice(i, i + 500), now);
  await pool.saveMarketSnapshot(poolMarket(now));
}

/**
 * Give every reader a watchlist of `size` symbols out of `symbols`, different from reader
 * to reader (a deterministic shuffle per id), written as the store writes the field.
 */
export async function seedWatchlists(redis: RedisClient, keys: Keyspace, n: number, symbols: readonly string[], size: number): Promise<void> {
  for (let start = 1; start <= n; start += 2000) {
    const p = redis.pipeline();
    for (let i = start; i <= Math.min(n, start + 1999); i += 1) {
      const pool = [...symbols];
      let x = i * 2_654_435_761;
      const picked: string[] = [];
      while (picked.length < Math.min(size, symbols.length)) {
        x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
        picked.push(pool.splice(x % pool.length, 1)[0]!);
      }
      p.hset(keys.subscriber(subscriberId(i)), 'watchlist', picked.join(','));
    }
    await p.exec();
  }
}
