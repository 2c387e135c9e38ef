// The parse rows of `npm run bench -- ingest`: our decode+parse+clean (readBody, the
// ingest path after the fetch) against the parser libraries alone on the same bytes,
// in the same run. Reference = fast-xml-parser building the document (the XML parser
// under the old @rowanmanning/feed-parser, and the kind of library a feed reader sits
// on) plus htmlparser2's Parser over every item's description and content (the HTML
// a cleaner must read; without it a 2 MB HTML description costs the reference one
// string copy). Shown too: htmlparser2's Parser over the raw document in xmlMode,
// the bare tokenizer floor.
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { readBody } from '../../src/stories/feed-source.js';
import { manyItemsFeed, unclosedTagsFeed } from './hostile-feeds.js';

export interface ParseRow {
  name: string;
  bytes: number;
  oursMs: number;
  referenceMs: number;
  tokenizerMs: number;
  ratio: number;
}

const SOURCE = { id: 'bench', name: 'Bench', section: 'markets' as const };

async function medianMs(reps: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

/** Descriptions and contents of a fast-xml-parser RSS document. */
function itemHtml(doc: unknown): string[] {
  const channel = (doc as { rss?: { channel?: { item?: unknown } } }).rss?.channel;
  const items = Array.isArray(channel?.item) ? channel.item : channel?.item ? [channel.item] : [];
  return (items as Record<string, unknown>[]).flatMap((it) =>
    [it.description, it['content:encoded']].filter((v): v is string => typeof v === 'string'),
  );
}

async function row(name: string, bodies: Buffer[], reps: number): Promise<ParseRow> {
  const now = new Date();
  const xml = new XMLParser({ ignoreAttributes: false });
  const oursMs = await medianMs(reps, async () => {
    for (const b of bodies) await readBody(b, 'application/rss+xml; charset=utf-8', 'https://bench.example/', SOURCE, now);
  });
  const referenceMs = await medianMs(reps, () => {
    for (const b of bodies) for (const html of itemHtml(xml.parse(b.toString('utf8')))) new Parser({}).end(html);
  });
  const tokenizerMs = await medianMs(reps, () => {
    for (const b of bodies) new Parser({}, { xmlMode: true }).end(b.toString('utf8'));
  });
  const bytes = bodies.reduce((n, b) => n + b.length, 0);
  return { name, bytes, oursMs, referenceMs, tokenizerMs, ratio: oursMs / referenceMs };
}

export async function parseRows(ordinary: Buffer[], reps = 5): Promise<ParseRow[]> {
  return [
    await row(`ordinary feeds (${ordinary.length})`, ordinary, reps),
    await row('2 MB of unclosed tags in one item', [Buffer.from(unclosedTagsFeed(2 * 1024 * 1024))], reps),
    await row('8,000 items in one feed', [Buffer.from(manyItemsFeed(8000))], reps),
  ];
}
