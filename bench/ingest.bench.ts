// Ingest of N sources × M items from a local HTTP server into a real Redis:
// wall time, time per source and peak memory; then parsing alone against a reference
// parser, clustering quality on the labelled three-day set against a TF-IDF baseline,
// and clustering time per 1,000 stories.
// `npm run bench -- ingest [--sources 50] [--items 100] [--cluster-copies 10]`
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Benchmark } from './run.js';
import { keyspace } from '../src/keys.js';
import { runIngest } from '../src/stories/ingest.js';
import { createStoryPool } from '../src/stories/pool.js';
import { SourcesFileSchema } from '../src/stories/sources-schema.js';
import { numArg } from './lib/args.js';
import { clusteringBench } from './lib/clustering.js';
import { parseRows, printParseRows } from './lib/parse-rows.js';

// A few thousand pseudo-words: random headlines must not look alike, as real unrelated ones do not.
const SYLLABLES = 'ka lo mi su te ra no vi de po ba ne lu fa si go re tu'.split(' ');
const WORDS = Array.from({ length: 3000 }, (_, i) => `${SYLLABLES[i % 18]}${SYLLABLES[Math.floor(i / 18) % 18]}${SYLLABLES[Math.floor(i / 324) % 18]}`);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** RSS with `items` entries; a fifth of them are stories every source carries (clustering work). */
function feedXml(source: number, items: number, now: Date): string {
  const r = rng(source + 1);
  const pick = () => WORDS[Math.floor(r() * WORDS.length)]!;
  const out: string[] = [];
  for (let i = 0; i < items; i++) {
    const shared = i % 5 === 0;
    const r2 = shared ? rng(1000 + i) : r;
    const words = Array.from({ length: 8 }, () => WORDS[Math.floor(r2() * WORDS.length)]!);
    const when = new Date(now.getTime() - (i * 13 + source) * 60_000).toUTCString();
    out.push(`<item><title>${words.join(' ')} ${shared ? `story${i}` : `s${source}i${i}`}</title>
<link>https://source${source}.example.com/${i}?utm_source=rss</link><pubDate>${when}</pubDate>
<description><![CDATA[<p>${Array.from({ length: 30 }, pick).join(' ')}.</p><p>Read more: something</p><p>The post x appeared first on y.</p>]]></description></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Source ${source}</title><link>https://source${source}.example.com/</link>${out.join('\n')}</channel></rss>`;
}


const bench: Benchmark = {
  name: 'ingest',
  description: 'ingest N sources × M items from a local server into Redis (time, per source, peak memory)',
  async run(args) {
    const sources = numArg(args, 'sources', 50);
    const items = numArg(args, 'items', 100);
    const now = new Date();
    const bodies = Array.from({ length: sources }, (_, i) => Buffer.from(feedXml(i, items, now)));
    const server = http.createServer((req, res) => {
      const n = Number((req.url ?? '').replace(/\D/g, ''));
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(bodies[n]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const prefix = `mdbench-${randomUUID().slice(0, 8)}`;
    const keys = keyspace(prefix);
    const file = SourcesFileSchema.parse({
      feeds: Array.from({ length: sources }, (_, i) => ({ id: `src-${i}`, name: `Source ${i}`, url: `http://127.0.0.1:${port}/feed/${i}`, section: i % 2 ? 'world' : 'markets', allowPrivate: true })),
    });

    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 5);
    const t0 = performance.now();
    const report = await runIngest({ pool: createStoryPool({ redis, keys }), sources: file, concurrency: 8 }, { now });
    const ms = performance.now() - t0;
    clearInterval(sampler);

    const total = report.sources.reduce((n, s) => n + s.items, 0);
    const perSource = report.sources.map((s) => s.ms).sort((a, b) => a - b);
    const q = (p: number) => perSource[Math.min(perSource.length - 1, Math.floor(p * perSource.length))] ?? 0;
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    const rows: [string, string][] = [
      ['sources', String(sources)],
      ['items parsed', String(total)],
      ['new stories', String(report.clusters.newStories)],
      ['clusters written', String(report.clusters.changed)],
      ['unhealthy sources', String(report.sources.filter((s) => s.status === 'unhealthy').length)],
      ['wall time (ms)', ms.toFixed(0)],
      ['wall time per source (ms)', (ms / sources).toFixed(1)],
      ['fetch+parse per source p50 / p95 / max (ms)', `${q(0.5)} / ${q(0.95)} / ${perSource[perSource.length - 1] ?? 0}`],
      ['peak RSS (MB)', mb(peakRss)],
      ['peak heap used (MB)', mb(peakHeap)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`| ${'figure'.padEnd(w)} | value |`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);

    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.unlink(...found);
    } while (cursor !== '0');
    await redis.quit();
    await new Promise<void>((r) => server.close(() => r()));

    // Parsing alone, against a reference parser on the same bytes (bench/lib/parse-rows.ts).
    const parse = await parseRows(bodies);
    printParseRows(parse);
    const clustering = clusteringBench(numArg(args, 'cluster-copies', 10));
    console.log(`\n${clustering.lines.join('\n')}\n`);
    console.log(
      JSON.stringify({
        bench: 'ingest', sources, itemsPerSource: items, items: total, newStories: report.clusters.newStories,
        ms: Math.round(ms), msPerSource: Math.round((ms / sources) * 10) / 10, peakRssMB: Number(mb(peakRss)), peakHeapMB: Number(mb(peakHeap)),
        ...clustering.figures,
        parse: parse.map((r) => ({ name: r.name, bytes: r.bytes, oursMs: Math.round(r.oursMs), referenceMs: Math.round(r.referenceMs), oldLibraryMs: Math.round(r.oldLibraryMs) })),
      }),
    );
  },
};

export default bench;
