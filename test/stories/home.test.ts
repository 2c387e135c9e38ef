// The site's own feed (`home: true`) leads every cluster it is part of: its headline,
// link and summary, the other outlets under "also covered by"; ranking may boost it.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { runIngest } from '../../src/stories/ingest.js';
import type { Story } from '../../src/stories/model.js';
import { createStoryPool } from '../../src/stories/pool.js';
import { toCluster } from '../../src/stories/rank.js';
import { SourcesFileSchema } from '../../src/stories/sources-schema.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { file, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T21:00:00Z');
const RSS = 'application/rss+xml';

const story = (id: string, sourceId: string, publishedAt: string): Story => ({
  id,
  sourceId,
  sourceName: sourceId.toUpperCase(),
  title: `Headline from ${sourceId}`,
  url: `https://${sourceId}.example.com/${id}`,
  summary: `Summary by ${sourceId}`,
  publishedAt,
  fetchedAt: publishedAt,
  section: 'markets',
});

describe('home source leadership (pure)', () => {
  const now = new Date('2026-03-10T18:00:00Z');
  const members = [story('a', 'wire', '2026-03-10T08:00:00Z'), story('b', 'site', '2026-03-10T11:00:00Z'), story('c', 'paper', '2026-03-10T09:00:00Z')];

  it('leads with the home story although a heavier, earlier source covered it', () => {
    const c = toCluster({ id: 'g', members, home: ['site'], homeBoost: 0 }, { now, weights: new Map([['wire', 3]]) })!;
    expect(c.lead).toMatchObject({ sourceId: 'site', title: 'Headline from site', url: 'https://site.example.com/b', summary: 'Summary by site' });
    expect(c.alsoCoveredBy.map((a) => a.sourceId)).toEqual(['wire', 'paper']);
  });

  it('adds the configured boost only to clusters a home source is part of', () => {
    const plain = toCluster({ id: 'g', members, homeBoost: 2 }, { now })!;
    const home = toCluster({ id: 'g', members, home: ['site'], homeBoost: 2 }, { now })!;
    const noBoost = toCluster({ id: 'g', members, home: ['site'], homeBoost: 0 }, { now })!;
    expect(plain.lead.sourceId).toBe('wire');
    expect(home.score - noBoost.score).toBeCloseTo(2, 6);
    expect(noBoost.score).toBeCloseTo(plain.score, 6);
  });
});

describe('home source through ingest and the pool', () => {
  let server: FixtureServer;
  let redis: Redis;
  const prefix = uniquePrefix('home');
  const keys = keyspace(prefix);

  beforeAll(async () => {
    redis = testRedis();
    server = await startServer({
      '/newswire': file('feeds/newswire.xml', RSS),
      '/atom': file('feeds/atom-base.xml', 'application/atom+xml'),
      '/json': file('feeds/jsonfeed.json', 'application/feed+json'),
    });
  });
  afterAll(async () => {
    await server.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('the syndicated story is led by the site, the others are "also covered by", and it ranks first', async () => {
    const feed = (id: string, weight: number, home = false) => ({ id, name: id.toUpperCase(), url: server.url(`/${id}`), section: 'markets', weight, home, allowPrivate: true });
    const sources = SourcesFileSchema.parse({
      feeds: [feed('newswire', 3), feed('atom', 1, true), feed('json', 1)],
      ranking: { homeBoost: 1 },
    });
    await runIngest({ pool: createStoryPool({ redis, keys }), sources, concurrency: 2, fetch: { totalTimeoutMs: 1500 } }, { now: NOW });
    const clusters = await createStoryPool({ redis, keys }).listClusters({ since: new Date('2026-03-09T21:00:00Z'), until: NOW });
    const nvidia = clusters.find((c) => [c.lead, ...c.alsoCoveredBy].some((s) => s.sourceId === 'newswire') && c.alsoCoveredBy.length > 0)!;
    expect(nvidia.lead.sourceId).toBe('atom');
    expect(nvidia.alsoCoveredBy.map((a) => a.sourceId).sort()).toEqual(['json', 'newswire']);
    expect(clusters[0]!.id).toBe(nvidia.id);
    // Every cluster the home feed is part of is led by it.
    const atomMembers = clusters.filter((c) => c.lead.sourceId === 'atom' || c.alsoCoveredBy.some((a) => a.sourceId === 'atom'));
    expect(atomMembers.length).toBeGreaterThan(0);
    for (const c of atomMembers) expect(c.lead.sourceId).toBe('atom');
  });
});
