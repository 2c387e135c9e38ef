// Feed fixtures and hostile servers, end to end through readFeed (fetch → decode → parse → clean).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPICS } from '../../src/topics.js';
import { SourceFetchError } from '../../src/stories/fetch.js';
import { readFeed } from '../../src/stories/feed-source.js';
import type { FeedSource } from '../../src/stories/sources-schema.js';
import { file, fixture, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T16:00:00Z');
const RSS = 'application/rss+xml; charset=utf-8';
let server: FixtureServer;

beforeAll(async () => {
  server = await startServer({
    '/wordpress': file('feeds/wordpress.xml', RSS, { gzip: true }),
    '/newswire': file('feeds/newswire.xml', 'text/xml'),
    '/atom': file('feeds/atom-base.xml', 'application/atom+xml'),
    '/json': file('feeds/jsonfeed.json', 'application/feed+json'),
    '/cp1252': file('feeds/cp1252.xml', 'application/rss+xml'),
    '/bare-amp': file('feeds/bare-amp.xml', RSS),
    '/truncated': file('feeds/truncated.xml', RSS),
    '/bomb': file('feeds/billion-laughs.xml', RSS),
    '/xxe': file('feeds/xxe.xml', RSS),
    '/challenge': file('feeds/challenge.html', 'text/html; charset=utf-8'),
    '/etag': file('feeds/newswire.xml', RSS, { etag: '"v1"' }),
    '/moved': (_req, res) => res.writeHead(301, { location: '/newswire' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/error-html': (_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>Service Unavailable</body></html>'),
    '/huge': (_req, res) => {
      // 20 MB, chunked (no content-length): the cap must bite while streaming.
      res.writeHead(200, { 'content-type': RSS });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    },
    '/hang': (_req, res) => {
      res.writeHead(200, { 'content-type': RSS });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>');
    },
  });
});
afterAll(() => server.close());

const source = (path: string, over: Partial<FeedSource> = {}): FeedSource => ({
  id: path.slice(1),
  name: `Source ${path}`,
  url: server.url(path),
  topic: 'markets',
  weight: 1,
  enabled: true,
  home: false,
  allowPrivate: true,
  ...over,
});

async function stories(path: string, over: Partial<FeedSource> = {}) {
  const out = await readFeed(source(path, over), {}, NOW, { totalTimeoutMs: 3000, topics: DEFAULT_TOPICS });
  if (out.status !== 'ok') throw new Error('expected ok');
  return out.stories;
}

async function failure(path: string, opts = {}): Promise<SourceFetchError> {
  const err = await readFeed(source(path), {}, NOW, { totalTimeoutMs: 3000, topics: DEFAULT_TOPICS, ...opts }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceFetchError);
  return err as SourceFetchError;
}

describe('feed fixtures', () => {
  it('cleans a WordPress feed (gzip): boilerplate, credits, tracking, AMP, teaser description', async () => {
    const [powell, oil, asia] = await stories('/wordpress');
    expect(powell).toMatchObject({
      title: 'Fed’s Powell signals patience on rate cuts as inflation lingers',
      url: 'https://dailymarkets.example.com/2026/03/10/feds-powell-signals-patience/',
      summary:
        'Federal Reserve Chair Jerome Powell said on Tuesday the central bank can afford to wait before cutting interest rates, with inflation still running above the 2% target. “We are in no hurry,” he told lawmakers in Washington.',
      imageUrl: 'https://dailymarkets.example.com/wp-content/uploads/2026/03/powell.jpg?w=1024',
      publishedAt: '2026-03-10T08:30:00.000Z',
      section: 'markets',
    });
    expect(oil).toMatchObject({
      title: 'Oil slips as OPEC+ weighs output hike',
      url: 'https://dailymarkets.example.com/2026/03/10/oil-slips-opec/',
      summary: 'Oil prices fell on Tuesday as OPEC+ members discussed raising output from April. Brent crude was down 1.2% at $81.40 a barrel.',
      imageUrl: 'https://dailymarkets.example.com/wp-content/uploads/2026/03/oil.jpg',
    });
    // Zoneless date read as UTC; "Photo:" credit and "Continue reading →" dropped.
    expect(asia).toMatchObject({
      publishedAt: '2026-03-10T05:45:00.000Z',
      summary: 'Asian shares were mixed on Tuesday as investors waited for US consumer price data. Japan’s Nikkei rose 0.4% while Hong Kong’s Hang Seng slipped 0.3%.',
    });
  });

  it('reads RSS with a Netscape DOCTYPE, HTML entities, zone names, relative links and enclosures (after a redirect)', async () => {
    const [nvidia, un, rotterdam] = await stories('/moved');
    expect(nvidia).toMatchObject({
      title: 'Nvidia shares jump after record quarterly revenue',
      url: 'http://www.newswire.example.org/business/nvidia-shares-jump-record-revenue-2026-03-10/',
      publishedAt: '2026-03-10T14:00:00.000Z',
      imageUrl: 'https://newswire.example.org/img/nvidia.jpg',
    });
    expect(un!.section).toBe('world'); // keyword rule moves a clear world story out of a markets feed
    expect(rotterdam).toMatchObject({
      url: 'https://newswire.example.org/world/rotterdam-port-strike',
      summary: 'Dock workers at Rotterdam, Europe’s biggest port, walked out on Tuesday in a dispute over pay, halting container traffic.',
      publishedAt: '2026-03-10T05:00:00.000Z',
    });
  });

  it('resolves Atom xml:base and relative links, escaped HTML summaries and xhtml content', async () => {
    const [nvidia, oil, ecb] = await stories('/atom');
    expect(nvidia).toMatchObject({
      title: 'Nvidia shares jump after record revenue quarter',
      url: 'https://www.finance-daily.example.net/markets/2026/03/10/nvidia-shares-jump/',
      summary: 'Shares of Nvidia jumped 8% after the chipmaker posted record quarterly revenue of $48 billion on strong demand for AI chips.',
      publishedAt: '2026-03-10T14:20:00.000Z',
    });
    expect(oil).toMatchObject({
      url: 'https://www.finance-daily.example.net/energy/oil-prices-fall-opec-output',
      summary: 'Oil prices fell on Tuesday as OPEC+ members considered raising output from April, with Brent crude down more than 1%.',
    });
    expect(ecb).toMatchObject({ url: 'https://www.finance-daily.example.net/markets/ecb-holds-rates', publishedAt: '2026-03-10T11:00:00.000Z' });
  });

  it('reads JSON Feed 1.1: AMP collapsed, relative url, content_text, image', async () => {
    const [nvidia, amd, election] = await stories('/json', { topic: 'markets' });
    expect(nvidia).toMatchObject({
      url: 'https://worldtimes.example.com/business/2026/03/10/nvidia-stock-surges.html',
      imageUrl: 'https://worldtimes.example.com/img/nvidia-wt.jpg',
      publishedAt: '2026-03-10T14:30:00.000Z',
      summary:
        'Nvidia shares surged 8% on Tuesday after the chipmaker reported record quarterly revenue of $48 billion, as demand for its AI data-centre chips kept growing.',
    });
    expect(amd).toMatchObject({
      url: 'https://worldtimes.example.com/business/2026/03/10/amd-shares-fall',
      summary: "AMD shares fell 5% after the chipmaker gave a revenue forecast below analysts' estimates. The company blamed weaker PC demand.",
    });
    expect(election!.section).toBe('world');
  });

  it('decodes windows-1252 bytes sent without any charset', async () => {
    const [story] = await stories('/cp1252');
    expect(story!.title).toBe('“Café prices” hit €5 in Paris');
    expect(story!.summary).toBe('Le prix du café — déjà élevé — atteint 5€ à Paris.');
    expect(story!.publishedAt).toBe('2026-03-10T06:00:00.000Z');
  });

  it('survives a bare & and &nbsp; without a DTD', async () => {
    const [story] = await stories('/bare-amp');
    expect(story!.title).toBe('AT&T and T-Mobile in talks over tower deal; S&P says ratings unaffected');
    expect(story!.url).toBe('https://mna.example.com/story?id=42&src=rss');
  });

  it('keeps the complete items of a truncated document', async () => {
    const list = await stories('/truncated');
    expect(list.map((s) => s.title)).toEqual(['Gold hits record high as dollar weakens']);
  });

  it('answers a conditional GET with 304 at no cost', async () => {
    const first = await readFeed(source('/etag'), {}, NOW, { topics: DEFAULT_TOPICS });
    expect(first.status).toBe('ok');
    if (first.status !== 'ok') return;
    expect(first.validators.etag).toBe('"v1"');
    expect(await readFeed(source('/etag'), first.validators, NOW, { topics: DEFAULT_TOPICS })).toEqual({ status: 'not-modified' });
  });

  it('sends the per-source User-Agent', async () => {
    await stories('/newswire', { userAgent: 'Mozilla/5.0 test-agent' });
    expect(server.agents.get('/newswire')).toBe('Mozilla/5.0 test-agent');
  });
});

describe('hostile and broken sources', () => {
  it('refuses a billion-laughs document quickly', async () => {
    const t0 = Date.now();
    const err = await failure('/bomb');
    expect(err.kind).toBe('parse');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('refuses an XXE attempt and leaks nothing', async () => {
    const err = await failure('/xxe');
    expect(err.kind).toBe('parse');
    expect(err.message).not.toMatch(/root:/);
  });

  it('aborts a 20 MB body at the byte cap while streaming', async () => {
    const t0 = Date.now();
    const err = await failure('/huge', { maxBytes: 5 * 1024 * 1024 });
    expect(err.kind).toBe('too-large');
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('gives up on a server that never finishes', async () => {
    const t0 = Date.now();
    const err = await failure('/hang', { totalTimeoutMs: 400 });
    expect(err.kind).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('detects an HTML challenge page served with 200', async () => {
    expect((await failure('/challenge')).kind).toBe('html');
  });

  it('reports HTTP errors and redirect loops', async () => {
    const e503 = await failure('/error-html');
    expect([e503.kind, e503.status]).toEqual(['http', 503]);
    expect((await failure('/loop')).kind).toBe('redirects');
  });

  it('the fixtures are what they claim', () => {
    expect(fixture('feeds/cp1252.xml').includes(0x93)).toBe(true);
    expect(fixture('feeds/cp1252.xml').toString('latin1')).not.toMatch(/<\?xml/);
  });
});
