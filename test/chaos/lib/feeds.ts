// Feeds served from 127.0.0.1 for the running system: two good sources with
// current-dated items (so editions have stories), optionally a story title
// carrying HTML/JS, an encoded word and controls, and the hostile sources of scenario 6
// (bomb, huge, slow, wrong encoding, HTML instead of a feed, XXE, truncated, redirects
// into the private network: an "internal" service on another loopback port, cloud metadata).
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, startServer, type FixtureServer, type Handler } from '../../stories/server.js';

export const XSS_TITLE = 'Stocks rally <script>alert("xss-title")</script> & <img src=x onerror=alert(1)> "quoted"';
/** An encoded word (decoding to CR/LF, a Bcc line and a right-to-left override), controls and a bidi isolate. */
export const HEADER_TITLE = `Markets surge =?utf-8?B?${Buffer.from('\r\nBcc: victim@evil.example \u202Egpj.exe').toString('base64')}?= \u001b[2J\u0085\u2066now\u2069`;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rss(title: string, base: string, items: { title: string; path: string; minutesAgo: number; text: string }[]): string {
  const now = Date.now();
  const body = items
    .map(
      (i) => `<item><title>${xml(i.title)}</title><link>${base}${i.path}</link><guid>${base}${i.path}</guid>
<pubDate>${new Date(now - i.minutesAgo * 60_000).toUTCString()}</pubDate><description>${xml(i.text)}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>${base}</link><description>${title}</description>\n${body}\n</channel></rss>`;
}

const MARKETS = [
  'Central bank holds rates steady as inflation cools',
  'Oil prices slide after surprise build in crude inventories',
  'Tech shares lead broad rally on strong chip earnings',
  'Treasury yields climb as traders price fewer rate cuts',
  'Gold hits record high on safe-haven demand',
  'Dollar weakens against the yen after jobs data',
];
const WORLD = [
  'Leaders agree climate finance framework at summit',
  'Elections in three countries draw record turnout',
  'Flooding displaces thousands along the river delta',
  'Ceasefire talks resume with new mediators',
  'Space agency confirms launch date for lunar mission',
  'Trade ministers meet to ease shipping bottlenecks',
];

export interface ChaosFeeds {
  sourcesFile: string;
  /** Source ids expected to fail (hostile), and those expected to stay healthy. */
  hostile: string[];
  good: string[];
  server: FixtureServer;
  /** Requests the "internal" service got (the private-network redirects must never reach it). */
  internalHits(): number;
  close(): Promise<void>;
}

export interface FeedOptions {
  /** Put XSS_TITLE in the markets feed. */
  hostileTitle?: boolean;
  /** Add the hostile sources. */
  hostileSources?: boolean;
}

const send = (type: string, body: string | Buffer): Handler => (_req, res) => res.writeHead(200, { 'content-type': type }).end(body);

export async function startChaosFeeds(options: FeedOptions = {}): Promise<ChaosFeeds> {
  const timers = new Set<NodeJS.Timeout>();
  const routes: Record<string, Handler> = {};
  const base = 'https://news.example.com';
  const markets = MARKETS.map((t, i) => ({ title: t, path: `/m/${i}`, minutesAgo: 20 + i * 7, text: `${t}. More detail on the story follows here.` }));
  if (options.hostileTitle) {
    markets.unshift({ title: XSS_TITLE, path: '/m/xss', minutesAgo: 5, text: 'A <b>bold</b> summary with <script>alert("xss-body")</script> inside.' });
    markets.unshift({ title: HEADER_TITLE, path: '/m/header', minutesAgo: 3, text: 'Summary \u0007with\u009b controls \u202Eand an override.' });
  }
  const world = WORLD.map((t, i) => ({ title: t, path: `/w/${i}`, minutesAgo: 15 + i * 9, text: `${t}. Correspondents report from the scene.` }));
  routes['/markets.xml'] = send('application/rss+xml; charset=utf-8', rss('Markets Wire', base, markets));
  routes['/world.xml'] = send('application/rss+xml; charset=utf-8', rss('World Desk', base, world));

  const hostile: Record<string, { path: string; handler: Handler }> = {};
  const internal = await startServer({ '/secret.xml': send('application/rss+xml', rss('Internal', 'https://internal.example', [{ title: 'Internal secret', path: '/s', minutesAgo: 1, text: 'secret' }])) });
  const redirect = (location: string): Handler => (_req, res) => res.writeHead(302, { location }).end();
  if (options.hostileSources) {
    // allowPrivate is set on every chaos source (they are all on 127.0.0.1): even so, no other private host or port.
    hostile['to-internal'] = { path: '/to-internal', handler: redirect(internal.url('/secret.xml')) };
    hostile['to-metadata'] = { path: '/to-metadata', handler: redirect('http://169.254.169.254/latest/meta-data/') };
    hostile['bomb'] = { path: '/bomb.xml', handler: send('application/rss+xml', fixture('feeds/billion-laughs.xml')) };
    hostile['xxe'] = { path: '/xxe.xml', handler: send('application/rss+xml', fixture('feeds/xxe.xml')) };
    hostile['html-page'] = { path: '/challenge', handler: send('text/html', fixture('feeds/challenge.html')) };
    hostile['truncated'] = { path: '/truncated.xml', handler: send('application/rss+xml', fixture('feeds/truncated.xml')) };
    // 8 MB of items, streamed: past the 5 MB cap.
    hostile['huge'] = {
      path: '/huge.xml',
      handler: (_req, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
        const item = `<item><title>${'x'.repeat(900)}</title><link>https://huge.example.com/</link></item>`;
        let sent = 0;
        const pump = () => {
          while (sent < 8 * 1024 * 1024) {
            sent += item.length;
            if (!res.write(item)) return void res.once('drain', pump);
          }
          res.end('</channel></rss>');
        };
        res.on('error', () => {});
        pump();
      },
    };
    // One byte a second, for at most 60 s: past the fetch deadline.
    hostile['slow'] = {
      path: '/slow.xml',
      handler: (_req, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const body = rss('Slow', 'https://slow.example.com', [{ title: 'Slow story', path: '/1', minutesAgo: 1, text: 'slow' }]);
        let i = 0;
        const timer = setInterval(() => {
          if (i >= 60 || res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return void res.end();
          }
          res.write(body[i++] ?? ' ');
        }, 1000);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
      },
    };
    // Windows-1252 bytes labelled UTF-8: must not crash anything (it may parse, with odd characters).
    hostile['wrong-encoding'] = { path: '/cp1252.xml', handler: send('application/rss+xml; charset=utf-8', fixture('feeds/cp1252.xml')) };
    for (const h of Object.values(hostile)) routes[h.path] = h.handler;
  }
  const server = await startServer(routes);
  const dir = mkdtempSync(join(tmpdir(), 'md-chaos-feeds-'));
  const sourcesFile = join(dir, 'sources.json');
  const feeds = [
    { id: 'markets-wire', name: 'Markets Wire', url: server.url('/markets.xml'), section: 'markets', allowPrivate: true },
    { id: 'world-desk', name: 'World Desk', url: server.url('/world.xml'), section: 'world', allowPrivate: true },
    ...Object.entries(hostile).map(([id, h]) => ({ id, name: `Hostile ${id}`, url: server.url(h.path), section: 'world', allowPrivate: true })),
  ];
  writeFileSync(sourcesFile, JSON.stringify({ feeds, market: { provider: 'yahoo', baseUrl: server.url(''), symbols: [], allowPrivate: true } }));
  return {
    sourcesFile,
    // A mislabelled encoding and a truncated feed may be salvaged (items parsed): neither must fail nor succeed.
    hostile: Object.keys(hostile).filter((id) => id !== 'wrong-encoding' && id !== 'truncated'),
    good: ['markets-wire', 'world-desk'],
    server,
    internalHits: () => [...internal.hits.values()].reduce((a, b) => a + b, 0),
    async close() {
      for (const t of timers) clearInterval(t);
      await server.close();
      await internal.close();
    },
  };
}
