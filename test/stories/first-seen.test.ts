// Undated stories take the time they were first seen, stored once in the pool:
// a later fetch never makes them look new.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { runIngest } from '../../src/stories/ingest.js';
import { createStoryPool, FIRST_SEEN_TTL_SECONDS } from '../../src/stories/pool.js';
import { SourcesFileSchema } from '../../src/stories/sources-schema.js';
import { DEFAULT_THRESHOLDS } from '../../src/stories/cluster.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { file, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T16:00:00Z');
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000);
let redis: Redis;
let server: FixtureServer;
const prefix = uniquePrefix('first-seen');
const keys = keyspace(prefix);

beforeAll(async () => {
  redis = testRedis();
  server = await startServer({ '/dates': file('feeds/dates.xml', 'application/rss+xml') });
});
afterAll(async () => {
  await server.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('first-seen times', () => {
  it('are stored once per story, kept while the story is listed, forgotten a month after it is not', async () => {
    const pool = createStoryPool({ redis, keys });
    const first = await pool.firstSeen('s', ['a', 'b'], NOW);
    expect([first.get('a'), first.get('b')]).toEqual([NOW, NOW]);
    const later = await pool.firstSeen('s', ['a', 'c'], hours(5));
    expect([later.get('a'), later.get('c')]).toEqual([NOW, hours(5)]);
    await pool.firstSeen('s', ['c'], hours(24 * 31));
    expect(Object.keys(await redis.hgetall(keys.firstSeen('s')))).toEqual(['c']);
    expect(await redis.ttl(keys.firstSeen('s'))).toBeGreaterThan(FIRST_SEEN_TTL_SECONDS - 60);
  });

  it('an undated story keeps its first-seen time when a later run reads it again', async () => {
    const sources = SourcesFileSchema.parse({ feeds: [{ id: 'dates', name: 'Dates', url: server.url('/dates'), section: 'markets', allowPrivate: true }] });
    // A 1-hour window: the second run (3 h later) does not load the first run's clusters, so it meets the story anew.
    const deps = { pool: createStoryPool({ redis, keys }), sources, thresholds: { ...DEFAULT_THRESHOLDS, windowHours: 1 } };
    await runIngest(deps, { now: NOW });
    await runIngest(deps, { now: hours(3) });
    const pool = createStoryPool({ redis, keys });
    const members = (await pool.loadGroups(new Date(0))).flatMap((g) => g.members);
    const undated = members.filter((m) => ['No date at all', 'Unreadable date', 'In the future'].includes(m.title));
    // The second run met them anew and saved them again (over the first run's clusters: same ids).
    expect(undated).toHaveLength(3);
    for (const m of undated) expect([m.title, m.publishedAt, m.dateSource]).toEqual([m.title, NOW.toISOString(), 'first-seen']);
  });
});
