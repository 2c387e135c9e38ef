// Editions. 1. The form: the real `buildEdition` (the editions stage the edition job
// runs) over a 2,000-story pool in a private redis-server, every variant, timed over several
// builds; MJML compiles counted on each build (the run fails unless compiles = variants);
// peak RSS and heap of a build. Baselines in the same run: the same variants rendered without
// pool or Redis (the floor), and one MJML compile per reader (the naive build).
// 2. Six topics: an edition renders the topic combinations its readers have, not all 63;
// compiles counted (must equal the distinct combinations among the readers).
// 3. Compile per variant vs personalise per reader vs an MJML compile per reader (fixture edition).
//   npm run bench -- edition [--stories 2000] [--builds 20] [--readers 20000] [--baseline 30] [--rounds 10] [--six-readers 20000] [--six-builds 3]
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { escapeHtml } from '../src/html.js';
import { keyspace } from '../src/keys.js';
import { buildEdition, type Audience, type BuildDeps } from '../src/editions/build.js';
import { compileMjml, countingCompiler, type CompileMjml } from '../src/editions/compile.js';
import { digestView } from '../src/editions/digest-view.js';
import { digestMjml } from '../src/editions/digest-mjml.js';
import { digestText } from '../src/editions/digest-text.js';
import type { Edition } from '../src/editions/model.js';
import { TopicSchema, topicsKey, topicsOfKey, type Topic } from '../src/topics.js';
import { greetingFor, personalise } from '../src/editions/personalise.js';
import { archiveUrlFor, renderVariant, type RenderSettings } from '../src/editions/render.js';
import { editionSettings } from '../src/processes/settings.js';
import { createEditionStore } from '../src/editions/store.js';
import { createStoryPool } from '../src/stories/pool.js';
import { MARKET, READER, SETTINGS, SLOT, clusters } from '../test/editions/fixtures.js';
import type { Benchmark } from './run.js';
import { numArg } from './lib/args.js';
import { phaseMemory, type PhaseMemory } from './lib/memory.js';
import { startRedisServer } from './lib/redis-server.js';
import { check, mb, printJson, printTable, round, type Row } from './lib/report.js';
import { variantKeyOf } from './lib/seed.js';
import { seedStoryPool, type SeededPool } from './lib/story-pool.js';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');

const reader = (i: number) => ({
  name: `Reader ${i}`,
  unsubscribeUrl: `https://news.example.com/unsubscribe/${i}-tok`,
  preferencesUrl: `https://news.example.com/preferences/${i}-tok`,
});

/** What per-reader rendering does: the reader's fields written into the MJML (or text) before compiling. */
function fillReader(s: string, token: string, archiveUrl: string, r: ReturnType<typeof reader>, esc: (x: string) => string): string {
  return s
    .replaceAll(`%%${token}:greeting%%`, esc(greetingFor(r.name)))
    .replaceAll(`%%${token}:unsubscribe_url%%`, esc(r.unsubscribeUrl))
    .replaceAll(`%%${token}:preferences_url%%`, esc(r.preferencesUrl))
    .replaceAll(`%%${token}:browser_url%%`, esc(archiveUrl))
    .replaceAll(`%%${token}:date%%`, 'Tuesday 24 November 2026')
    .replaceAll(`%%${token}:date_short%%`, 'Tue 24 Nov');
}

const HOUR = 3_600_000;

/** The readers' topic mix of bench/lib/seed.ts, over the two default topics. */
const TWO_TOPIC_VARIANTS = ['markets', 'markets+world', 'world'];
const TWO_TOPIC_AUDIENCE: Audience = { topicSets: async () => TWO_TOPIC_VARIANTS.map((k) => k.split('+')) };

/** Four more topics for the six-topic row (labels only: the pool's clusters are spread over all six). */
const EXTRA_TOPICS: Topic[] = ['crypto', 'tech', 'energy', 'health'].map((id) => TopicSchema.parse({ id, label: id[0]!.toUpperCase() + id.slice(1) }));

/**
 * `n` readers' topic lists over six topics, deterministic: most pick one to three topics,
 * popular ones more often (as real readers do), so the distinct combinations are far fewer than 63.
 */
function sixTopicReaders(topics: readonly Topic[], n: number): string[][] {
  let s = 12345;
  const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const weights = [0.35, 0.25, 0.15, 0.1, 0.1, 0.05];
  const one = () => {
    let x = r();
    for (const [i, w] of weights.entries()) if ((x -= w) < 0) return topics[i]!.id;
    return topics[0]!.id;
  };
  return Array.from({ length: n }, () => {
    const k = r() < 0.5 ? 1 : r() < 0.7 ? 2 : 3;
    return [...new Set(Array.from({ length: k }, one))];
  });
}

interface BuildRun {
  ms: number;
  poolMs: number;
  compileMs: number;
  compiles: number;
  memory: PhaseMemory;
  edition: Edition;
}

interface BuildFigures {
  pool: SeededPool;
  windowHours: number;
  variants: string[];
  htmlBytes: Record<string, number>;
  first: BuildRun;
  warm: BuildRun[];
  floorMs: number[];
  naiveMsPerReader: number;
  naiveReaders: number;
  compilesChecked: number;
  six: { readers: number; distinct: number; runs: { ms: number; compiles: number; variants: number }[] };
}

/**
 * The form. Deps are wired as src/processes/delivery-ports.ts wires them for the
 * edition job (story pool, edition store, editionSettings(config)), plus a counting compiler
 * and a timer around the pool read. Each build serves its own slot (a minute apart), so
 * every build is a full one, not the "already built" shortcut.
 */
async function measureBuilds(o: { stories: number; builds: number; baselineReaders: number; sixReaders: number; sixBuilds: number }): Promise<BuildFigures> {
  const server = await startRedisServer();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    const config = loadConfig({
      REDIS_URL: server.url, KEY_PREFIX: 'mdbench', SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
      SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Market Digest <digest@news.example.com>', PUBLIC_URL: 'https://news.example.com',
      SOURCES_FILE: 'config/sources.json',
    });
    const keys = keyspace(config.KEY_PREFIX);
    const settings: RenderSettings = editionSettings(config);
    const firstSlot = new Date(Math.floor(Date.now() / HOUR) * HOUR);
    const pool = await seedStoryPool(redis, keys, { count: o.stories, until: firstSlot, windowHours: settings.windowHours, perSection: settings.perSection });

    const storyPool = createStoryPool({ redis, keys });
    const editions = createEditionStore({ redis, keys });
    let poolMs = 0;
    let compileMs = 0;
    let memory: ReturnType<typeof phaseMemory> | undefined;
    const timedCompile: CompileMjml = async (mjml) => {
      const t = performance.now();
      try {
        return await compileMjml(mjml);
      } finally {
        compileMs += performance.now() - t;
        memory?.sample(); // the compile's garbage is still there: the likeliest heap peak
      }
    };
    const compile = countingCompiler(timedCompile);
    const deps: BuildDeps = {
      stories: {
        async listClusters(query) {
          const t = performance.now();
          try {
            return await storyPool.listClusters(query);
          } finally {
            poolMs += performance.now() - t;
          }
        },
        getMarketSnapshot: () => storyPool.getMarketSnapshot(),
      },
      editions,
      audience: TWO_TOPIC_AUDIENCE,
      settings,
      now: () => new Date(),
      compile,
    };

    let compilesChecked = 0;
    const build = async (i: number): Promise<BuildRun> => {
      const slot = new Date(firstSlot.getTime() + i * 60_000);
      const before = compile.count;
      poolMs = 0;
      compileMs = 0;
      memory = phaseMemory();
      const t = performance.now();
      const edition = await buildEdition(deps, { slot, mode: 'scheduled' });
      const ms = performance.now() - t;
      const mem = memory.stop();
      memory = undefined;
      const compiles = compile.count - before;
      // The check: one compile per variant, on every build.
      check(edition.status === 'ready', `build ${i}: edition ${edition.id} is ${edition.status}`);
      check(edition.variants.join() === TWO_TOPIC_VARIANTS.join(), `build ${i}: variants ${edition.variants.join()}, expected the readers' ${TWO_TOPIC_VARIANTS.join()}`);
      check(compiles === edition.variants.length, `build ${i}: ${compiles} MJML compiles for ${edition.variants.length} variants`);
      compilesChecked += 1;
      for (const section of ['markets', 'world'] as const) {
        const n = edition.clusters.filter((c) => c.section === section).length;
        check(n === settings.perSection, `build ${i}: ${n} ${section} stories picked from the pool, expected ${settings.perSection}`);
      }
      return { ms, poolMs, compileMs, compiles, memory: mem, edition };
    };

    // Same-run baselines. Floor: the build's variants rendered from its own record, no pool,
    // no Redis. Naive: one compile per reader (the readers' topic mix of bench/lib/seed.ts),
    // a slice after every build so both see the same machine load.
    const floorCompile = countingCompiler();
    const floor = async (edition: Edition): Promise<number> => {
      const source = { ...edition, slot: new Date(edition.slot) };
      const before = floorCompile.count;
      const t = performance.now();
      for (const key of edition.variants) await renderVariant(source, key, settings, floorCompile);
      const ms = performance.now() - t;
      check(floorCompile.count - before === edition.variants.length, 'floor baseline compiled more than once per variant');
      return ms;
    };
    const naiveMs: number[] = [];
    let naiveDone = 0;
    const naiveCompile = countingCompiler();
    const naiveSlice = async (edition: Edition, n: number) => {
      const archiveUrl = archiveUrlFor(settings.publicUrl, edition.id);
      const mjml = new Map<string, { mjml: string; text: string }>();
      for (const key of edition.variants) {
        const view = digestView(
          { slot: new Date(edition.slot), clusters: edition.clusters, market: edition.market, topics: topicsOfKey(key, settings.topics), perSection: settings.perSection, windowHours: settings.windowHours, token: edition.token },
          settings,
        );
        mjml.set(key, { mjml: digestMjml(view, edition.token), text: digestText(view, edition.token) });
      }
      for (let k = 0; k < n; k += 1, naiveDone += 1) {
        const r = reader(naiveDone);
        const v = mjml.get(variantKeyOf(naiveDone))!;
        const t = performance.now();
        const html = await naiveCompile(fillReader(v.mjml, edition.token, archiveUrl, r, escapeHtml));
        const text = fillReader(v.text, edition.token, archiveUrl, r, (x) => x);
        naiveMs.push(performance.now() - t);
        check(html.length > 0 && text.length > 0, 'naive baseline rendered nothing');
      }
    };

    const first = await build(0);
    const variants = await Promise.all(first.edition.variants.map((k) => editions.getVariant(first.edition.id, k)));
    const htmlBytes: Record<string, number> = {};
    for (const [j, v] of variants.entries()) {
      const key = first.edition.variants[j]!;
      check(!!v && v.storyIds.length > 0 && v.html.includes(`%%${v.token}:unsubscribe_url%%`), `variant ${key} not stored, empty or without placeholders`);
      htmlBytes[key] = v!.htmlBytes;
    }
    const warm: BuildRun[] = [];
    const floorMs: number[] = [];
    const perBuild = Math.ceil(o.baselineReaders / o.builds);
    for (let i = 1; i <= o.builds; i += 1) {
      const run = await build(i);
      warm.push(run);
      floorMs.push(await floor(run.edition));
      await naiveSlice(run.edition, perBuild);
    }
    check(naiveCompile.count === naiveDone, 'naive baseline: one compile per reader');

    // Six topics: the same pool, its clusters spread over six topics, readers with a skewed mix.
    const six = [...settings.topics, ...EXTRA_TOPICS];
    const sixSettings: RenderSettings = { ...settings, topics: six };
    const readersTopics = sixTopicReaders(six, o.sixReaders);
    const distinct = new Set(readersTopics.map(topicsKey)).size;
    const spread = (id: string) => six[[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % six.length]!.id;
    const sixDeps: BuildDeps = {
      ...deps,
      settings: sixSettings,
      audience: { topicSets: async () => readersTopics },
      stories: {
        async listClusters(query) {
          const all = (await storyPool.listClusters({ since: query.since, until: query.until })).map((c) => ({ ...c, section: spread(c.id) }));
          return query.sections ? all.filter((c) => query.sections!.includes(c.section)) : all;
        },
        getMarketSnapshot: () => storyPool.getMarketSnapshot(),
      },
    };
    const sixRuns: { ms: number; compiles: number; variants: number }[] = [];
    for (let i = 0; i < o.sixBuilds; i += 1) {
      const before = compile.count;
      const t = performance.now();
      const edition = await buildEdition(sixDeps, { slot: new Date(firstSlot.getTime() + (o.builds + 1 + i) * 60_000), mode: 'scheduled' });
      const ms = performance.now() - t;
      const compiles = compile.count - before;
      check(edition.status === 'ready', `six-topic build ${i}: ${edition.status}`);
      check(edition.variants.length === distinct, `six-topic build ${i}: ${edition.variants.length} variants for ${distinct} distinct combinations`);
      check(compiles === edition.variants.length && compiles <= 63, `six-topic build ${i}: ${compiles} compiles for ${edition.variants.length} variants`);
      sixRuns.push({ ms, compiles, variants: edition.variants.length });
    }
    return {
      pool, windowHours: settings.windowHours, variants: first.edition.variants, htmlBytes, first, warm, floorMs,
      naiveMsPerReader: median(naiveMs), naiveReaders: naiveDone, compilesChecked,
      six: { readers: o.sixReaders, distinct, runs: sixRuns },
    };
  } finally {
    redis.disconnect();
    await server.close();
  }
}

const bench: Benchmark = {
  name: 'edition',
  description: 'buildEdition over a story pool (default 2,000; compiles = variants) vs a compile per reader; compile per variant vs personalise per reader',
  async run(args) {
    const stories = numArg(args, 'stories', 2000);
    const builds = numArg(args, 'builds', 20);
    const readers = numArg(args, 'readers', 20_000);
    const baselineReaders = numArg(args, 'baseline', 30);
    const rounds = numArg(args, 'rounds', 10);
    const sixReaders = numArg(args, 'six-readers', 20_000);
    const sixBuilds = numArg(args, 'six-builds', 3);
    const loadStart = load();

    // 1. The form, first: its first build is the process's first MJML compile (cold).
    const b = await measureBuilds({ stories, builds, baselineReaders, sixReaders, sixBuilds });
    const sixMedian = median(b.six.runs.map((r) => r.ms));
    const warmMs = b.warm.map((r) => r.ms);
    const buildMedian = median(warmMs);
    const floorMedian = median(b.floorMs);
    const naiveBuildMs = b.naiveMsPerReader * readers;
    const warmPeakRss = Math.max(...b.warm.map((r) => r.memory.peakRss));
    const warmPeakHeap = Math.max(...b.warm.map((r) => r.memory.peakHeap));
    const warmPeakHeapTotal = Math.max(...b.warm.map((r) => r.memory.peakHeapTotal));
    const warmRssBefore = median(b.warm.map((r) => r.memory.rssBefore));
    const warmHeapBefore = median(b.warm.map((r) => r.memory.heapBefore));
    const f = b.first.memory;

    // 2. Compile per variant on the fixture edition (MJML already loaded by part 1).
    const source = { id: 'e20261124T0700', slot: SLOT, token: 'b3nchb3nch00', clusters: clusters(10), market: MARKET };
    const compile = countingCompiler();
    const t0 = performance.now();
    const first = await renderVariant(source, 'markets+world', SETTINGS, compile);
    const firstMs = performance.now() - t0;
    const perVariant: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r += 1) {
      for (const key of TWO_TOPIC_VARIANTS) {
        const v = await renderVariant(source, key, SETTINGS, compile);
        (perVariant[key] ??= []).push(v.compileMs);
      }
    }
    const all = Object.values(perVariant).flat();

    // 3. Personalise per reader (HTML + text), and the same encoded to bytes as MIME needs.
    const compilesBeforePersonalise = compile.count;
    personalise(first, READER);
    let bytes = 0;
    let t = performance.now();
    for (let i = 0; i < readers; i += 1) {
      const m = personalise(first, reader(i));
      bytes += m.html.length + m.text.length;
    }
    const personaliseUs = ((performance.now() - t) * 1000) / readers;
    t = performance.now();
    for (let i = 0; i < readers; i += 1) {
      const m = personalise(first, reader(i));
      // The HTML is pure ASCII (numeric references), so latin1 gives the same bytes without a UTF-8 transcode.
      bytes += Buffer.from(m.html, 'latin1').length + Buffer.from(m.text).length;
    }
    const encodedUs = ((performance.now() - t) * 1000) / readers;
    const personaliseCompiles = compile.count - compilesBeforePersonalise;
    check(personaliseCompiles === 0, `personalising ${readers} readers compiled MJML ${personaliseCompiles} times`);

    // 4. Baseline: what per-reader rendering costs — fill the reader into the MJML, compile, write text.
    const compilesBefore = compile.count;
    const view = digestView(
      { slot: SLOT, clusters: source.clusters, market: MARKET, topics: ['markets', 'world'], perSection: 8, windowHours: 24 },
      SETTINGS,
    );
    const mjml = digestMjml(view, source.token);
    const text = digestText(view, source.token);
    t = performance.now();
    for (let i = 0; i < baselineReaders; i += 1) {
      const html = await compile(fillReader(mjml, source.token, first.archiveUrl, reader(i), escapeHtml));
      bytes += html.length + fillReader(text, source.token, first.archiveUrl, reader(i), (x) => x).length;
    }
    const baselineMs = (performance.now() - t) / baselineReaders;
    const baselineCompiles = compile.count - compilesBefore;
    const loadEnd = load();

    const n = b.warm.length;
    const rows: Row[] = [
      ['load average 1/5/15 min, start → end', `${loadStart} → ${loadEnd}`],
      ['— edition build (issue 7 item 5) —', ''],
      ['story pool (private redis-server)', `${b.pool.stories} stories in ${b.pool.clusters} clusters (${b.pool.multiSource} from 2+ outlets); seeded + read back in ${Math.round(b.pool.ms)} ms`],
      [`clusters in the ${b.windowHours} h window`, `markets ${b.pool.inWindow.markets}, world ${b.pool.inWindow.world}`],
      ['story pool in Redis (MEMORY USAGE, clusters + index)', `${mb(b.pool.bytes)} MB, ${Math.round(b.pool.bytes / b.pool.stories)} B per story, ${mb((b.pool.bytes / b.pool.stories) * 10_000)} MB per 10,000 stories (kept 8 days)`],
      ['variants built (the readers\' topic combinations)', `${b.variants.length}: ${b.variants.join(', ')}`],
      ['MJML compiles per build', `${b.first.compiles} = variants (checked on all ${b.compilesChecked} builds)`],
      ['HTML bytes per variant', b.variants.map((k) => `${k} ${b.htmlBytes[k]}`).join(', ')],
      ['build, first (cold: loads MJML)', `${round(b.first.ms)} ms (pool ${round(b.first.poolMs)}, compile ${round(b.first.compileMs)})`],
      [`build, warm median / p95 (${n} builds)`, `${round(buildMedian)} / ${round(quantile(warmMs, 0.95))} ms`],
      ['  … pool read + rank (median)', `${round(median(b.warm.map((r) => r.poolMs)))} ms`],
      ['  … MJML compiles (median)', `${round(median(b.warm.map((r) => r.compileMs)))} ms`],
      ['  … rest: views, text, Redis writes, zod (median)', `${round(median(b.warm.map((r) => r.ms - r.poolMs - r.compileMs)))} ms`],
      [`floor: the same ${b.variants.length} variants rendered, no pool/Redis (median)`, `${round(floorMedian)} ms`],
      ['build / floor', `${round(buildMedian / floorMedian)}`],
      [`naive: MJML compile per reader, median (${b.naiveReaders} measured, topic mix)`, `${round(b.naiveMsPerReader)} ms/reader`],
      [`naive build for ${readers} readers (projected: median × readers)`, `${round(naiveBuildMs / 1000, 1)} s, ${readers} compiles`],
      ['naive / build (median)', `${Math.round(naiveBuildMs / buildMedian)}x`],
      ['RSS first build: before → peak (VmHWM)', `${mb(f.rssBefore)} → ${mb(f.peakRss)} MB (+${mb(f.peakRss - f.rssBefore)})`],
      ['RSS warm builds: before (median) → peak (max)', `${mb(warmRssBefore)} → ${mb(warmPeakRss)} MB`],
      ['heap used first build: before → peak (sampled); committed peak', `${mb(f.heapBefore)} → ${mb(f.peakHeap)} MB; ${mb(f.peakHeapTotal)} MB`],
      ['heap used warm builds: before (median) → peak (max); committed peak', `${mb(warmHeapBefore)} → ${mb(warmPeakHeap)} MB; ${mb(warmPeakHeapTotal)} MB`],
      ['— six topics: variants = the readers\' combinations, not 2^6 − 1 = 63 —', ''],
      [`readers (skewed topic mix) → distinct topic combinations`, `${b.six.readers} → ${b.six.distinct}`],
      ['variants / MJML compiles per build (checked)', `${b.six.runs[0]?.variants} / ${b.six.runs[0]?.compiles} (≤ ${b.six.distinct} on all ${b.six.runs.length} builds)`],
      [`six-topic build, median of ${b.six.runs.length}`, `${round(sixMedian)} ms (${round(sixMedian / (b.six.runs[0]?.variants ?? 1))} ms per variant)`],
      ['six-topic build if all 63 combinations were rendered (projected)', `${round((sixMedian / (b.six.runs[0]?.variants ?? 1)) * 63)} ms`],
      ['— compile per variant vs personalise per reader (fixture edition) —', ''],
      ['compile, first fixture call (MJML already loaded)', `${round(firstMs)} ms`],
      ...TWO_TOPIC_VARIANTS.map((k): Row => [`compile ${k} (median of ${rounds})`, `${round(median(perVariant[k]!))} ms`]),
      ['compile, any variant p95', `${round(quantile(all, 0.95))} ms`],
      ['HTML size (markets+world)', `${(first.htmlBytes / 1024).toFixed(1)} KB`],
      [`personalise HTML+text (${readers} readers)`, `${round(personaliseUs, 1)} µs/message`],
      ['  … plus encoding to Buffers (HTML ASCII, text UTF-8)', `${round(encodedUs, 1)} µs/message`],
      [`baseline: MJML compile per reader (${baselineReaders} readers)`, `${round(baselineMs)} ms/message`],
      ['speed-up over baseline (encoded)', `${Math.round((baselineMs * 1000) / encodedUs)}x`],
      ['compiles for personalisation / for baseline', `${personaliseCompiles} / ${baselineCompiles}`],
    ];
    printTable(rows);
    printJson('edition', {
      loadStart,
      loadEnd,
      build: {
        stories: b.pool.stories,
        clusters: b.pool.clusters,
        poolBytesPerStory: Math.round(b.pool.bytes / b.pool.stories),
        variants: b.variants,
        compilesPerBuild: b.first.compiles,
        buildsChecked: b.compilesChecked,
        htmlBytes: b.htmlBytes,
        firstMs: round(b.first.ms),
        medianMs: round(buildMedian),
        p95Ms: round(quantile(warmMs, 0.95)),
        poolMedianMs: round(median(b.warm.map((r) => r.poolMs))),
        compileMedianMs: round(median(b.warm.map((r) => r.compileMs))),
        floorMedianMs: round(floorMedian),
        buildOverFloor: round(buildMedian / floorMedian),
        naiveMsPerReader: round(b.naiveMsPerReader),
        naiveReadersMeasured: b.naiveReaders,
        naiveBuildMs: Math.round(naiveBuildMs),
        naiveOverBuild: Math.round(naiveBuildMs / buildMedian),
        firstRssBeforeMB: mb(f.rssBefore),
        firstPeakRssMB: mb(f.peakRss),
        firstPeakHeapMB: mb(f.peakHeap),
        firstPeakHeapTotalMB: mb(f.peakHeapTotal),
        warmPeakRssMB: mb(warmPeakRss),
        warmPeakHeapMB: mb(warmPeakHeap),
        warmPeakHeapTotalMB: mb(warmPeakHeapTotal),
        exactRss: f.exactRss,
      },
      sixTopics: { readers: b.six.readers, distinctCombinations: b.six.distinct, variants: b.six.runs[0]?.variants, compiles: b.six.runs.map((r) => r.compiles), medianMs: round(sixMedian) },
      readers,
      baselineReaders,
      compileFirstMs: round(firstMs),
      compileMedianMs: Object.fromEntries(TWO_TOPIC_VARIANTS.map((k) => [k, round(median(perVariant[k]!))])),
      compileP95Ms: round(quantile(all, 0.95)),
      htmlBytes: first.htmlBytes,
      personaliseUsPerMessage: round(personaliseUs, 2),
      personaliseEncodedUsPerMessage: round(encodedUs, 2),
      perReaderCompileMsPerMessage: round(baselineMs),
      speedup: Math.round((baselineMs * 1000) / encodedUs),
      checksum: bytes,
    });
  },
};

export default bench;
