// The parse rows of `npm run bench -- ingest`: our decode+parse+clean (readBody, the
// ingest path after the fetch) against parser libraries alone on the same bytes, in
// the same run, interleaved, median of `reps`, in CPU time:
// - reference = fast-xml-parser building the document plus htmlparser2's Parser over
//   every item's description and content: the XML and HTML a cleaner must read, done
//   by two widely used linear parsers (without the HTML half a 2 MB description would
//   cost the reference one string copy). The hostile rows' goal (≤ 2×) is stated
//   against it.
// - old library = @rowanmanning/feed-parser, the parser the previous code sat on, what
//   the "2.7× the parser library alone" was measured against (ordinary goal
//   ≤ 1.5×). It re-reads the channel for every item, so on the 8,000-item row it runs
//   once, not `reps` times.
// - tokenizer = htmlparser2's Parser in xmlMode over the raw document, no handlers: the floor.
import { parseFeed } from '@rowanmanning/feed-parser';
import { DEFAULT_TOPICS } from '../../src/topics.js';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { readBody } from '../../src/stories/feed-source.js';
import { manyItemsFeed, unclosedTagsFeed } from './hostile-feeds.js';

export interface ParseRow {
  name: string;
  bytes: number;
  oursMs: number;
  referenceMs: number;
  oldLibraryMs: number;
  tokenizerMs: number;
}

const SOURCE = { id: 'bench', name: 'Bench', topic: 'markets' };

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

/** CPU ms (user + system) of one run: on a shared, loaded machine wall time mostly measures the wait for a core. */
async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** Descriptions and contents of a fast-xml-parser RSS document. */
function itemHtml(doc: unknown): string[] {
  const channel = (doc as { rss?: { channel?: { item?: unknown } } }).rss?.channel;
  const items = Array.isArray(channel?.item) ? channel.item : channel?.item ? [channel.item] : [];
  return (items as Record<string, unknown>[]).flatMap((it) => [it.description, it['content:encoded']].filter((v): v is string => typeof v === 'string'));
}

async function row(name: string, bodies: Buffer[], reps: number, oldLibraryReps = reps): Promise<ParseRow> {
  const now = new Date();
  const xml = new XMLParser({ ignoreAttributes: false });
  const runs = {
    ours: async () => {
      for (const b of bodies) await readBody(b, 'application/rss+xml; charset=utf-8', 'https://bench.example/', SOURCE, now, DEFAULT_TOPICS);
    },
    reference: () => {
      for (const b of bodies) for (const html of itemHtml(xml.parse(b.toString('utf8')))) new Parser({}).end(html);
    },
    // Its fields are getters over the document: read what a feed reader needs, or it has done nothing.
    oldLibrary: () => {
      for (const b of bodies) for (const it of parseFeed(b.toString('utf8')).items) void [it.title, it.url, it.description, it.content, it.published, it.id];
    },
    tokenizer: () => {
      for (const b of bodies) new Parser({}, { xmlMode: true }).end(b.toString('utf8'));
    },
  };
  // Interleaved, so a change in the machine's load hits every column alike.
  const times = { ours: [] as number[], reference: [] as number[], oldLibrary: [] as number[], tokenizer: [] as number[] };
  for (let i = 0; i < reps; i++) {
    times.ours.push(await timed(runs.ours));
    times.reference.push(await timed(runs.reference));
    if (i < oldLibraryReps) times.oldLibrary.push(await timed(runs.oldLibrary));
    times.tokenizer.push(await timed(runs.tokenizer));
  }
  return {
    name,
    bytes: bodies.reduce((n, b) => n + b.length, 0),
    oursMs: median(times.ours),
    referenceMs: median(times.reference),
    oldLibraryMs: median(times.oldLibrary),
    tokenizerMs: median(times.tokenizer),
  };
}

export async function parseRows(ordinary: Buffer[], reps = 9): Promise<ParseRow[]> {
  return [
    await row(`ordinary feeds (${ordinary.length})`, ordinary, reps),
    await row('2 MB of unclosed tags in one item', [Buffer.from(unclosedTagsFeed(2 * 1024 * 1024))], reps),
    await row('8,000 items in one feed', [Buffer.from(manyItemsFeed(8000))], reps, 1),
  ];
}

export function printParseRows(rows: ParseRow[]): void {
  const r1 = (n: number) => n.toFixed(1);
  console.log('\n| decode+parse+clean (median CPU ms) | bytes | ours | reference: fast-xml-parser + htmlparser2 | ours ÷ reference | old library: feed-parser | ours ÷ old library | htmlparser2 xmlMode raw |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.bytes} | ${r1(r.oursMs)} | ${r1(r.referenceMs)} | ${(r.oursMs / r.referenceMs).toFixed(2)}× | ${r1(r.oldLibraryMs)} | ${(r.oursMs / r.oldLibraryMs).toFixed(2)}× | ${r1(r.tokenizerMs)} |`);
  }
}
