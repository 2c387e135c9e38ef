// One source can never hold the run hostage: parse + clean beyond the CPU budget
// abandons the source (unhealthy) and the others land. Budgets here are small on
// purpose; no assertion is about speed.
import type { Redis } from 'ioredis';
import { createStoryPool } from '../../src/stories/pool.js';
import { DEFAULT_TOPICS } from '../../src/topics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manyItemsFeed, unclosedTagsFeed } from '../../bench/lib/hostile-feeds.js';
import { keyspace } from '../../src/keys.js';
import { CpuBudget, CpuBudgetError } from '../../src/stories/budget.js';
import { readBody } from '../../src/stories/feed-source.js';
import { runIngest } from '../../src/stories/ingest.js';
import { SourcesFileSchema } from '../../src/stories/sources-schema.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { file, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T16:00:00Z');
const SOURCE = { id: 'x', name: 'X', topic: 'markets' };
const RSS = 'application/rss+xml';

describe('CPU budget', () => {
  it('throws once spent, and only then', () => {
    const budget = new CpuBudget(50);
    expect(() => budget.check()).not.toThrow();
    const until = process.cpuUsage().user + 100_000;
    while (process.cpuUsage().user < until) Math.sqrt(Math.random());
    expect(() => budget.check()).toThrow(CpuBudgetError);
  });

  it('abandons a 2 MB item of unclosed tags and an 8,000-item feed inside the tokenizer loop', async () => {
    for (const body of [unclosedTagsFeed(2 * 1024 * 1024), manyItemsFeed(8000)]) {
      await expect(readBody(Buffer.from(body), RSS, 'https://x.example/', SOURCE, NOW, DEFAULT_TOPICS, 1)).rejects.toBeInstanceOf(CpuBudgetError);
    }
  });

  it('reads the same hostile feeds whole under the default budget', async () => {
    const broken = await readBody(Buffer.from(unclosedTagsFeed(2 * 1024 * 1024)), RSS, 'https://x.example/', SOURCE, NOW, DEFAULT_TOPICS);
    expect(broken.stories.map((s) => s.summary)).toEqual(['The story starts here.']);
    const many = await readBody(Buffer.from(manyItemsFeed(8000)), RSS, 'https://x.example/', SOURCE, NOW, DEFAULT_TOPICS);
    expect(many.stories).toHaveLength(8000);
  });
});

describe('an ingest run with a source over budget', () => {
  let server: FixtureServer;
  let redis: Redis;
  const prefix = uniquePrefix('budget');
  const hostile = Buffer.from(manyItemsFeed(8000));
  beforeAll(async () => {
    redis = testRedis();
    server = await startServer({
      '/hostile': (_req, res) => res.writeHead(200, { 'content-type': RSS }).end(hostile),
      '/ordinary': file('feeds/newswire-markup.xml', RSS),
    });
  });
  afterAll(async () => {
    await server.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('marks it unhealthy and lands the others', async () => {
    const feed = (id: string) => ({ id, name: id, url: server.url(`/${id}`), topic: 'markets', allowPrivate: true });
    const sources = SourcesFileSchema.parse({ feeds: [feed('hostile'), feed('ordinary')] });
    // 8,000 items take hundreds of ms to clean; the four-item feed a few ms.
    const report = await runIngest({ pool: createStoryPool({ redis, keys: keyspace(prefix) }), sources, fetch: { cpuBudgetMs: 40 } }, { now: NOW });
    const byId = Object.fromEntries(report.sources.map((s) => [s.sourceId, s]));
    expect(byId.hostile).toMatchObject({ status: 'unhealthy', items: 0 });
    expect(byId.hostile!.error).toMatch(/CPU/);
    expect(byId.ordinary).toMatchObject({ status: 'ok', items: 4 });
    expect(report.clusters.newStories).toBe(4);
  });
});
