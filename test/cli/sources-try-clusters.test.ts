// `digest sources try URL URL… [--now ISO]`: several feeds through the ingest path,
// clustered as ingest clusters them, so an operator sees which stories become one entry.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesTryCommand } from '../../src/cli/sources-try.js';
import { captureOutput } from '../helpers/output.js';
import { file, startServer, type FixtureServer } from '../stories/server.js';

const RSS = 'application/rss+xml';
let server: FixtureServer;

beforeAll(async () => {
  server = await startServer({
    '/newswire': file('feeds/newswire.xml', RSS),
    '/atom': file('feeds/atom-base.xml', 'application/atom+xml'),
    '/json': file('feeds/jsonfeed.json', 'application/feed+json'),
    '/wordpress': file('feeds/wordpress.xml', RSS, { gzip: true }),
    '/gone': (_req, res) => res.writeHead(404).end(),
  });
});
afterAll(() => server.close());

async function run(...args: string[]) {
  const { o, output } = captureOutput();
  // The clock the command would use without --now: far from the fixtures' day.
  const code = await sourcesTryCommand(args, output, new Date('2031-01-01T00:00:00Z'));
  return { code, ...o };
}

interface Line {
  title: string;
  url: string;
  summary: string;
  publishedAt: string | null;
  feed: string;
  cluster: string;
}

const feeds = () => ['/newswire', '/atom', '/json', '/wordpress'].map((p) => server.url(p));

describe('digest sources try with several feeds', () => {
  it('--json: every story with the feed it came from and a cluster id shared by the stories grouped together', async () => {
    const { code, out, err } = await run(...feeds(), '--allow-private', '--now', '2026-03-10T21:00:00Z', '--json');
    expect([code, err]).toEqual([0, []]);
    const lines = out.map((l) => JSON.parse(l) as Line);
    for (const l of lines) expect(Object.keys(l)).toEqual(['title', 'url', 'summary', 'publishedAt', 'feed', 'cluster']);
    expect(new Set(lines.map((l) => l.feed))).toEqual(new Set(feeds()));
    const clusterOf = (start: string) => lines.filter((l) => l.title.startsWith(start)).map((l) => l.cluster);
    // The syndicated story lands in one cluster with its other outlets; look-alikes stay apart.
    const nvidia = clusterOf('Nvidia');
    expect(nvidia).toHaveLength(3);
    expect(new Set(nvidia).size).toBe(1);
    expect(clusterOf('AMD')[0]).not.toBe(nvidia[0]);
    const oil = clusterOf('Oil');
    expect(oil).toHaveLength(2);
    expect(new Set(oil).size).toBe(1);
    expect(new Set(lines.map((l) => l.cluster)).size).toBe(lines.length - 2 - 1);
  });

  it('prints the clusters with their members without --json', async () => {
    const { code, out } = await run(...feeds(), '--allow-private', '--now', '2026-03-10T21:00:00Z');
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(out[0]).toMatch(/^cluster \S+: 3 stories from 3 feeds$/);
    expect(text).toMatch(/Nvidia shares jump after record quarterly revenue/);
    expect(text).toMatch(/cluster \S+: 2 stories from 2 feeds\n.*Oil/);
    expect(out[out.length - 1]).toBe(`12 stories from 4 feeds in 9 clusters`);
  });

  it('reads and clusters with the clock at --now: what is published after it has no readable time yet', async () => {
    const morning = await run(...feeds(), '--allow-private', '--now', '2026-03-10T10:00:00Z', '--json');
    const lines = morning.out.map((l) => JSON.parse(l) as Line);
    const nvidia = lines.filter((l) => l.title.startsWith('Nvidia'));
    // Published at 14:00-14:30 UTC: in the future at 10:00, so undated, and taken as first seen at --now, as ingest would.
    expect(nvidia.map((l) => l.publishedAt)).toEqual([null, null, null]);
    expect(new Set(nvidia.map((l) => l.cluster)).size).toBe(1);
    const evening = (await run(...feeds(), '--allow-private', '--now', '2026-03-10T21:00:00Z', '--json')).out.map((l) => JSON.parse(l) as Line);
    expect(evening.filter((l) => l.title.startsWith('Nvidia')).every((l) => l.publishedAt !== null)).toBe(true);
  });

  it('a feed that fails: one line on stderr, the others are still clustered, exit 1', async () => {
    const { code, out, err } = await run(server.url('/gone'), server.url('/newswire'), server.url('/json'), '--allow-private', '--json');
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/\/gone: .*HTTP 404/);
    const lines = out.map((l) => JSON.parse(l) as Line);
    expect(lines.filter((l) => l.title.startsWith('Nvidia')).map((l) => l.cluster)).toHaveLength(2);
    expect(new Set(lines.filter((l) => l.title.startsWith('Nvidia')).map((l) => l.cluster)).size).toBe(1);
  });

  it('usage errors exit 2: a --now that is not an ISO time', async () => {
    expect((await run(...feeds(), '--now', 'yesterday')).code).toBe(2);
    expect((await run(...feeds(), '--now')).code).toBe(2);
  });

  it('runs from the command line with no configuration and no reachable Redis', async () => {
    const env = { PATH: process.env.PATH ?? '', REDIS_URL: 'redis://127.0.0.1:1' };
    const args = ['bin/digest.js', 'sources', 'try', server.url('/newswire'), server.url('/json'), '--allow-private', '--now', '2026-03-10T21:00:00Z', '--json'];
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env });
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.feed)).toEqual([...Array(3).fill(server.url('/newswire')), ...Array(3).fill(server.url('/json'))]);
    const nvidia = lines.filter((l) => l.title.startsWith('Nvidia'));
    expect(nvidia.map((l) => l.feed)).toEqual([server.url('/newswire'), server.url('/json')]);
    expect(nvidia[0]!.cluster).toBe(nvidia[1]!.cluster);
  });
});
