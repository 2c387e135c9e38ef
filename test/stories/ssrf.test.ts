// Feed and quote fetches never reach the private network unless the source allows it:
// a "public" feed served on one loopback port redirects to an "internal" service on
// another; the internal service must never be asked for anything.
import type { Redis } from 'ioredis';
import { DEFAULT_TOPICS } from '../../src/topics.js';
import { createStoryPool } from '../../src/stories/pool.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { guardedLookup, PrivateAddressError, privateRange } from '../../src/stories/address-guard.js';
import { readFeed } from '../../src/stories/feed-source.js';
import { fetchUrl, SourceFetchError } from '../../src/stories/fetch.js';
import { runIngest } from '../../src/stories/ingest.js';
import { SourcesFileSchema, type FeedSource } from '../../src/stories/sources-schema.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { file, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T16:00:00Z');
const RSS = 'application/rss+xml';
let internal: FixtureServer;
let feeds: FixtureServer;
let redis: Redis;
const prefix = uniquePrefix('ssrf');

const portOf = (s: FixtureServer) => new URL(s.url('/')).port;
const internalHits = () => [...internal.hits.values()].reduce((a, b) => a + b, 0);

beforeAll(async () => {
  redis = testRedis();
  internal = await startServer({ '/secret': file('feeds/newswire.xml', RSS) });
  const to = (location: string) => (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(302, { location }).end();
  feeds = await startServer({
    '/feed': file('feeds/newswire.xml', RSS),
    '/same-host': to('/feed'),
    '/to-internal': to(internal.url('/secret')),
    '/to-internal-by-name': to(`http://localhost:${portOf(internal)}/secret`),
    '/to-metadata': to('http://169.254.169.254/latest/meta-data/'),
    '/to-mapped': to(`http://[::ffff:127.0.0.1]:${portOf(internal)}/secret`),
    '/to-decimal': to(`http://2130706433:${portOf(internal)}/secret`),
  });
});
afterAll(async () => {
  await feeds.close();
  await internal.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const source = (path: string, allowPrivate: boolean): FeedSource => ({
  id: 'probe', name: 'Probe', url: feeds.url(path), topic: 'markets', weight: 1, enabled: true, home: false, allowPrivate,
});

async function refusal(path: string, allowPrivate: boolean): Promise<SourceFetchError> {
  const err = await readFeed(source(path, allowPrivate), {}, NOW, { totalTimeoutMs: 3000, topics: DEFAULT_TOPICS }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SourceFetchError);
  expect((err as SourceFetchError).kind).toBe('refused');
  return err as SourceFetchError;
}

describe('private addresses', () => {
  it('classifies loopback, private, link-local, CGNAT, multicast, unspecified and their IPv6 forms as private', () => {
    const refused = [
      '127.0.0.1', '127.255.0.9', '10.0.0.5', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3',
      '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1', '240.0.0.1', '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1',
      'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.5', '::ffff:a9fe:a9fe', '::127.0.0.1', '::ffff:0:7f00:1',
      '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '2002:a00:5::', '2001:db8::1', 'not-an-address',
    ];
    expect(refused.filter((a) => privateRange(a) === null)).toEqual([]);
    const open = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];
    expect(open.filter((a) => privateRange(a) !== null)).toEqual([]);
  });

  it('refuses in the socket lookup itself, for every address a name resolves to', async () => {
    const lookup = guardedLookup(false);
    const err = await new Promise<unknown>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)));
    expect(err).toBeInstanceOf(PrivateAddressError);
    const allowed = await new Promise<unknown>((resolve) => guardedLookup(true)('localhost', {}, (e, address) => resolve(e ?? address)));
    expect(['127.0.0.1', '::1']).toContain(allowed);
  });
});

describe('feed fetches and private addresses', () => {
  it('refuses a source on a loopback address without allowPrivate, with a clear message', async () => {
    const err = await refusal('/feed', false);
    expect(err.message).toBe('refused: private address 127.0.0.1; set allowPrivate on this source to allow it');
  });

  it('follows a redirect on the same host and port with allowPrivate', async () => {
    const out = await readFeed(source('/same-host', true), {}, NOW, { totalTimeoutMs: 3000, topics: DEFAULT_TOPICS });
    expect(out.status).toBe('ok');
  });

  it.each(['/to-internal', '/to-internal-by-name', '/to-mapped', '/to-decimal', '/to-metadata'])(
    'never lets a redirect (%s) reach another private host or port, even with allowPrivate',
    async (path) => {
      const before = internalHits();
      const err = await refusal(path, true);
      expect(err.message).toMatch(/^refused: redirect to private address \S+ on another host or port than the source's$/);
      expect(internalHits()).toBe(before);
    },
  );

  it('refuses a market quote provider on the private network unless market.allowPrivate', async () => {
    await expect(fetchUrl(internal.url('/secret'), { userAgent: 't' })).rejects.toMatchObject({ kind: 'refused' });
    await expect(fetchUrl(internal.url('/secret'), { userAgent: 't', allowPrivate: true })).resolves.toMatchObject({ status: 200 });
  });

  it('records a refused source as unhealthy and the run goes on', async () => {
    const before = internalHits();
    const sources = SourcesFileSchema.parse({
      feeds: [
        { id: 'good', name: 'Good', url: feeds.url('/feed'), section: 'markets', allowPrivate: true },
        { id: 'evil', name: 'Evil', url: feeds.url('/to-internal'), section: 'world' },
      ],
      market: { baseUrl: internal.url(''), symbols: [{ symbol: 'X', label: 'X' }] },
    });
    const report = await runIngest({ pool: createStoryPool({ redis, keys: keyspace(prefix) }), sources, fetch: { totalTimeoutMs: 3000 } }, { now: NOW });
    const byId = Object.fromEntries(report.sources.map((s) => [s.sourceId, s]));
    expect(byId.good!.status).toBe('ok');
    expect(byId.evil).toMatchObject({ status: 'unhealthy', error: 'refused: private address 127.0.0.1; set allowPrivate on this source to allow it' });
    expect(report.market.errors[0]).toMatch(/refused: private address 127\.0\.0\.1/);
    expect(internalHits()).toBe(before);
  });
});
