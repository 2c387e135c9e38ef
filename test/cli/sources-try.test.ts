// `digest sources try URL`: the ingest path for one URL, nothing stored, no Redis.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesTryCommand } from '../../src/cli/sources-try.js';
import { file, startServer, type FixtureServer } from '../stories/server.js';
import { captureOutput } from '../helpers/output.js';

const NOW = new Date('2026-03-10T16:00:00Z');
let server: FixtureServer;

beforeAll(async () => {
  server = await startServer({
    '/dates': file('feeds/dates.xml', 'application/rss+xml'),
    '/podcast': file('feeds/podcast.xml', 'application/rss+xml'),
    '/challenge': file('feeds/challenge.html', 'text/html'),
    '/gone': (_req, res) => res.writeHead(404).end(),
  });
});
afterAll(() => server.close());

const capture = captureOutput;

async function run(...args: string[]) {
  const { o, output } = capture();
  const code = await sourcesTryCommand(args, output, NOW);
  return { code, ...o };
}

describe('digest sources try', () => {
  it('--json: one object per story and nothing else; no age window; publishedAt null when unreadable', async () => {
    const { code, out, err } = await run(server.url('/dates'), '--allow-private', '--json');
    expect([code, err]).toEqual([0, []]);
    const stories = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(stories).toHaveLength(14);
    for (const s of stories) expect(Object.keys(s)).toEqual(['title', 'url', 'summary', 'publishedAt']);
    const byTitle = Object.fromEntries(stories.map((s) => [s.title, s.publishedAt]));
    expect(byTitle['Slashes and no zone']).toBe('2020-01-10T14:33:00.000Z');
    expect([byTitle['No date at all'], byTitle['Unreadable date'], byTitle['In the future']]).toEqual([null, null, null]);
  });

  it('prints a table by default, with per-feed identity (episodes sharing a link stay apart)', async () => {
    const { code, out } = await run(server.url('/podcast'), '--allow-private', '--section', 'world');
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^published\s+title\s+url\s+summary/);
    expect(text).toContain('Episode 129: What a strong jobs report means');
    expect(out[out.length - 1]).toBe('3 stories');
  });

  it('a source that fails: one line on stderr naming why, exit 1', async () => {
    for (const [path, why] of [['/gone', /HTTP 404/], ['/challenge', /HTML page/]] as const) {
      const { code, out, err } = await run(server.url(path), '--allow-private', '--json');
      expect([code, out.length, err.length]).toEqual([1, 0, 1]);
      expect(err[0]).toMatch(why);
    }
    // Without --allow-private, a loopback address is refused like a source without allowPrivate.
    const refused = await run(server.url('/podcast'), '--json');
    expect([refused.code, refused.out.length, refused.err.length]).toEqual([1, 0, 1]);
    expect(refused.err[0]).toMatch(/refused/);
    const bad = await run('ftp://example.com/feed');
    expect([bad.code, bad.err.length]).toEqual([1, 1]);
  });

  it('usage errors exit 2', async () => {
    expect((await run()).code).toBe(2);
    // Topics are data: any well-formed id is one; a malformed one is a usage error.
    expect((await run(server.url('/dates'), '--section', 'Not A Topic')).code).toBe(2);
    expect((await run(server.url('/dates'), '--bogus')).code).toBe(2);
  });

  it('runs from the command line with no configuration and no reachable Redis', async () => {
    const env = { PATH: process.env.PATH ?? '', REDIS_URL: 'redis://127.0.0.1:1' };
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/digest.js', 'sources', 'try', server.url('/podcast'), '--allow-private', '--json'], { env });
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n').map((l) => (JSON.parse(l) as { title: string }).title)).toEqual([
      'Episode 131: Oil, the Fed and a quiet dollar',
      'Episode 130: Chip stocks and the AI trade',
      'Episode 129: What a strong jobs report means',
    ]);
  });
});
