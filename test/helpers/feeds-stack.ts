// The whole service with feeds served locally: RSS fixtures on a free port, a sources
// file pointing at them (fixtures on 127.0.0.1 opt in with allowPrivate), and the stack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../src/cli/output.js';
import { startServer, type FixtureServer } from '../stories/server.js';
import { startStack, type Stack } from './stack.js';

export interface FeedItem {
  title: string;
  path: string;
  text: string;
  /** Published this long before now (default 1). */
  hoursAgo?: number;
}

export function rss(title: string, base: string, items: FeedItem[]): string {
  const now = Date.now();
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>${title}</title><link>${base}</link><description>${title}</description>
${items
  .map(
    (i) => `<item><title>${i.title}</title><link>${base}${i.path}?utm_source=rss</link>
<pubDate>${new Date(now - (i.hoursAgo ?? 1) * 3_600_000).toUTCString()}</pubDate><description>${i.text}</description></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

/** CLI output captured in `text`. */
export const quiet = (): Output & { text: string } => {
  const o = { text: '', line: (t: string) => void (o.text += `${t}\n`), raw: (t: string) => void (o.text += t), err: (t: string) => void (o.text += `${t}\n`), usage: () => 2 };
  return o;
};

export interface FeedStack {
  feeds: FixtureServer;
  stack: Stack;
  close(): Promise<void>;
}

/**
 * `feeds`: URL path → RSS body. `sources(url)`: the sources file, given the feed server's
 * URL maker; every feed and the market get `allowPrivate`.
 */
export async function startFeedStack(
  feedBodies: Record<string, string>,
  sources: (url: (path: string) => string) => { topics?: unknown[]; feeds: Record<string, unknown>[] },
  env: Record<string, string> = {},
): Promise<FeedStack> {
  const feeds = await startServer(
    Object.fromEntries(Object.entries(feedBodies).map(([path, body]) => [path, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body)])),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'md-feeds-')), 'sources.json');
  const { topics, feeds: list } = sources(feeds.url);
  writeFileSync(
    file,
    JSON.stringify({
      ...(topics ? { topics } : {}),
      feeds: list.map((f) => ({ ...f, allowPrivate: true })),
      market: { provider: 'yahoo', baseUrl: feeds.url(''), symbols: [], allowPrivate: true },
    }),
  );
  const stack = await startStack({ SOURCES_FILE: file, SEND_RATE_PER_SEC: '1000', ...env });
  return {
    feeds,
    stack,
    async close() {
      await stack.close();
      await feeds.close();
    },
  };
}
