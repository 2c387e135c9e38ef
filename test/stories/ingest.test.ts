// A whole ingest run against real Redis and a local server: good sources land and
// cluster, bad ones are marked unhealthy, 304s cost nothing, the pool ranks.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { IngestBusyError, runIngest, type IngestDeps } from '../../src/stories/ingest.js';
import { createStoryPool } from '../../src/stories/pool.js';
import { enqueueIngest, ingestPeriodId } from '../../src/stories/schedule.js';
import { SourcesFileSchema } from '../../src/stories/sources-schema.js';
import { uniquePrefix, REDIS_URL } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { file, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T21:00:00Z');
const RSS = 'application/rss+xml';
let server: FixtureServer;
let redis: Redis;
const prefix = uniquePrefix('stories');
const keys = keyspace(prefix);

beforeAll(async () => {
  redis = testRedis();
  server = await startServer({
    '/wordpress': file('feeds/wordpress.xml', RSS),
    '/newswire': file('feeds/newswire.xml', RSS, { etag: '"nw-1"' }),
    '/atom': file('feeds/atom-base.xml', 'application/atom+xml'),
    '/json': file('feeds/jsonfeed.json', 'application/feed+json'),
    '/world': file('feeds/world-mixed.xml', RSS),
    '/bomb': file('feeds/billion-laughs.xml', RSS),
    '/challenge': file('feeds/challenge.html', 'text/html'),
    '/hang': (_req, res) => void res.writeHead(200, { 'content-type': RSS }).write('<rss>'),
    '/limited': (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end(),
    '/v8/finance/chart/%5EGSPC': file('market/yahoo-gspc.json', 'application/json'),
    '/v8/finance/chart/%5EFTSE': (_req, res) => res.writeHead(429).end(),
  });
});
afterAll(async () => {
  await server.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

function deps(): IngestDeps {
  const feed = (id: string, section: string, weight = 1) => ({ id, name: id.toUpperCase(), url: server.url(`/${id}`), section, weight, allowPrivate: true });
  const sources = SourcesFileSchema.parse({
    feeds: [
      feed('wordpress', 'markets'),
      feed('newswire', 'markets', 2),
      feed('atom', 'markets'),
      feed('json', 'markets'),
      feed('world', 'world'),
      feed('bomb', 'world'),
      feed('challenge', 'markets'),
      feed('hang', 'world'),
      feed('limited', 'markets'),
    ],
    market: { provider: 'yahoo', baseUrl: server.url(''), allowPrivate: true, symbols: [{ symbol: '^GSPC', label: 'S&P 500' }, { symbol: '^FTSE', label: 'FTSE 100' }] },
  });
  return { pool: createStoryPool({ redis, keys }), sources, concurrency: 4, fetch: { totalTimeoutMs: 1500 } };
}

describe('runIngest', () => {
  it('lands good sources, marks bad ones unhealthy, clusters and ranks', async () => {
    const report = await runIngest(deps(), { now: NOW });
    const status = Object.fromEntries(report.sources.map((s) => [s.sourceId, s.status]));
    expect(status).toEqual({
      wordpress: 'ok', newswire: 'ok', atom: 'ok', json: 'ok', world: 'ok',
      bomb: 'unhealthy', challenge: 'unhealthy', hang: 'unhealthy', limited: 'unhealthy',
    });
    expect(report.sources.find((s) => s.sourceId === 'limited')!.error).toMatch(/HTTP 429/);
    expect(report.clusters.newStories).toBe(3 + 3 + 3 + 3 + 2);

    const pool = createStoryPool({ redis, keys });
    const clusters = await pool.listClusters({ since: new Date('2026-03-09T21:00:00Z'), until: NOW });
    const nvidia = clusters[0]!;
    expect(nvidia.lead).toMatchObject({ sourceId: 'newswire', title: 'Nvidia shares jump after record quarterly revenue' });
    expect(nvidia.alsoCoveredBy.map((a) => a.sourceId).sort()).toEqual(['atom', 'json']);
    const oil = clusters.find((c) => c.lead.title.startsWith('Oil'))!;
    expect([oil.lead.sourceId, ...oil.alsoCoveredBy.map((a) => a.sourceId)].sort()).toEqual(['atom', 'wordpress']);
    expect(clusters).toHaveLength(14 - 2 - 1);

    const world = await pool.listClusters({ since: new Date('2026-03-09T21:00:00Z'), until: NOW, sections: ['world'] });
    expect(world.map((c) => c.lead.title).sort()).toEqual([
      'Earthquake strikes off Japan coast, no tsunami warning',
      'Opposition wins Portugal election, president to name new prime minister',
      'UN Security Council meets on Sudan ceasefire',
    ]);
    // The keyword rule moved this one out of a world feed.
    expect(clusters.find((c) => c.lead.title.startsWith('Wall Street'))!.section).toBe('markets');
    // As of an earlier `until`, later stories do not exist yet.
    const morning = await pool.listClusters({ since: new Date('2026-03-09T21:00:00Z'), until: new Date('2026-03-10T09:00:00Z') });
    expect(morning.every((c) => c.publishedAt <= '2026-03-10T09:00:00.000Z')).toBe(true);
    expect(morning.find((c) => c.lead.title.includes('Nvidia'))).toBeUndefined();

    const ttl = await redis.ttl(keys.storyCluster(nvidia.id));
    expect(ttl).toBeGreaterThan(3 * 86400 - 60);

    const snapshot = (await pool.getMarketSnapshot())!;
    expect(snapshot.quotes.map((q) => [q.symbol, q.state, q.change])).toEqual([['^GSPC', 'fresh', 51.5], ['^FTSE', 'missing', null]]);

    const health = await pool.getSourceHealth();
    expect(health.bomb).toMatchObject({ ok: false, consecutiveFailures: 1, lastSuccessAt: null });
    expect(health.wordpress).toMatchObject({ ok: true, itemsLastTime: 3, consecutiveFailures: 0 });
    expect(health['market-yahoo']).toMatchObject({ ok: false });
  });

  it('a second run: 304 costs nothing, nothing is duplicated, failures count up', async () => {
    const before = await redis.zcard(keys.clustersByTime());
    const report = await runIngest(deps(), { now: new Date(NOW.getTime() + 15 * 60_000) });
    expect(report.sources.find((s) => s.sourceId === 'newswire')).toMatchObject({ status: 'not-modified', items: 3, newStories: 0 });
    expect(report.clusters.newStories).toBe(0);
    expect(await redis.zcard(keys.clustersByTime())).toBe(before);
    const health = await createStoryPool({ redis, keys }).getSourceHealth();
    expect(health.hang).toMatchObject({ ok: false, consecutiveFailures: 2 });
    expect(health.newswire).toMatchObject({ ok: true, itemsLastTime: 3 });
  });

  it('refuses to run twice at once', async () => {
    const pool = createStoryPool({ redis, keys });
    const token = (await pool.acquireIngestLock(10_000))!;
    await expect(runIngest(deps(), { now: NOW })).rejects.toBeInstanceOf(IngestBusyError);
    await pool.releaseIngestLock(token);
  });
});

describe('schedule', () => {
  it('one job per period whoever enqueues it', async () => {
    expect(ingestPeriodId(new Date('2026-03-10T10:29:59Z'), 15)).toBe('2026-03-10T10:15Z');
    expect(ingestPeriodId(new Date('2026-03-10T10:30:00Z'), 15)).toBe('2026-03-10T10:30Z');
    const url = new URL(REDIS_URL);
    const queue = new Queue('ingest', { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
    try {
      const a = await enqueueIngest(queue, new Date('2026-03-10T10:16:00Z'), 15);
      const b = await enqueueIngest(queue, new Date('2026-03-10T10:29:00Z'), 15);
      expect(a.id).toBe('ingest-2026-03-10T10_15Z');
      expect(b.id).toBe(a.id);
      expect(await queue.getWaitingCount()).toBe(1);
    } finally {
      await queue.close();
    }
  });
});
