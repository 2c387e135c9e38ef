// Delivery throughput: the real pipeline (edition build → fan-out → send jobs → a
// `digest worker` process → SMTP) against the transport limit and naive baselines,
// all to one SMTP sink process, in the same run, on a private redis-server.
//   npm run bench -- delivery [--readers 20000] [--concurrency 40] [--naive 3000]
//     [--naivest 40] [--workers 1] [--split] [--v8-defaults] [--profile] [--tsx] [--watchlist 5]
// --watchlist N: after the plain run, a second plain run (warm), then the same readers again with
// N instruments each on their watchlist (rows first, stories marked); worker CPU per message of
// the two warm runs is compared (goal: within 15 %);
// --v8-defaults: run the workers without the compose file's NODE_OPTIONS (V8 heap settings);
// --profile: --cpu-prof the (first) worker and print where its time went;
// --tsx: run the worker through tsx instead of the compiled build.
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './run.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { createLedger, type EditionReport } from '../src/delivery/ledger.js';
import { createEditionStore } from '../src/editions/store.js';
import { editionIdForSlot } from '../src/editions/model.js';
import { QUEUE } from '../src/queues/names.js';
import { jobId } from '../src/queues/jobs.js';
import { flag, numArg } from './lib/args.js';
import { buildOnce, digestArgs, workerNodeOptions } from './lib/build.js';
import { baselines } from './lib/baselines.js';
import { summarise } from './lib/cpuprofile.js';
import { cpuMeter, currentRss, spawnNode, type Child } from './lib/proc.js';
import { startRedisServer } from './lib/redis-server.js';
import { check, mb, printJson, printTable, ratio, verdict, type Row } from './lib/report.js';
import { seedConfirmed, seedStories, seedWatchlists, verifySeed } from './lib/seed.js';
import { startSink } from './lib/sink.js';
import { smtpSource, startPostfixSink } from './lib/postfix.js';

const PROFILES = fileURLToPath(new URL('./results/profiles/', import.meta.url));

/** Redis's own count of commands served (INFO commandstats), by command. */
async function commandCounts(redis: { info(section: string): Promise<string> }): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

/**
 * Commands per message between two counts: scripts (EVALSHA: the ledger's and BullMQ's, each one
 * round trip) and the busiest others. Redis counts the commands a script runs as well.
 */
function perMessageCommands(before: Map<string, number>, after: Map<string, number>, n: number): string {
  const delta = [...after].map(([c, v]) => [c, v - (before.get(c) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const per = (v: number) => (v / n).toFixed(2);
  const scripts = delta.filter(([c]) => c === 'evalsha' || c === 'eval').reduce((t, [, v]) => t + v, 0);
  return `scripts ${per(scripts)}; in and beside them ${delta.slice(0, 4).map(([c, v]) => `${c} ${per(v)}`).join(', ')}`;
}

const usPer = (cpu: Record<string, number>, n: number) => Object.fromEntries(Object.entries(cpu).map(([k, ms]) => [k, Math.round((ms * 1000) / n)]));
const perMessage = (cpu: Record<string, number>, n: number) =>
  Object.entries(cpu)
    .map(([k, ms]) => `${k} ${Math.round((ms * 1000) / n)}`)
    .join(', ');

/** Worker processes' CPU (every `worker…` and the builder) of one run over another's. */
const workerCpuRatio = (a: Record<string, number>, b: Record<string, number>) => {
  const sum = (c: Record<string, number>) => Object.entries(c).filter(([k]) => k.startsWith('worker') || k === 'builder').reduce((t, [, v]) => t + v, 0);
  return Math.round((sum(a) / sum(b)) * 100) / 100;
};

const bench: Benchmark = {
  name: 'delivery',
  description: 'pipeline msg/s vs the wire (w: Postfix smtp-source → smtp-sink), raw transport limit (a), nodemailer compose (b), MJML per reader (c)',
  async run(args) {
    const readers = numArg(args, 'readers', 20_000);
    // SEND_CONCURRENCY of the workers: messages in flight per process. At 20 one worker is bound by
    // latency (its 5 SMTP sessions wait on it, the process ~65 % busy); 40 keeps them fed (BENCHMARKS.md).
    const concurrency = numArg(args, 'concurrency', 40);
    const workerCount = numArg(args, 'workers', 1);
    const rawN = Math.min(readers, numArg(args, 'raw', readers));
    const naiveN = Math.min(readers, numArg(args, 'naive', 3000));
    const naivestN = numArg(args, 'naivest', 40);
    const profile = flag(args, 'profile');
    // --split: the measured workers serve only `send` (WORKER_QUEUES=send); one more process
    // builds the edition and fans out. Its RSS and CPU are reported on their own rows.
    const split = flag(args, 'split');
    // Workers get the compose file's NODE_OPTIONS (V8 heap settings) unless --v8-defaults.
    const nodeOptions = flag(args, 'v8-defaults') ? '' : workerNodeOptions();
    const useTsx = flag(args, 'tsx');
    const watchlist = numArg(args, 'watchlist', 0);
    if (!useTsx) buildOnce();

    const redis = await startRedisServer();
    const sink = await startSink();
    const env = {
      REDIS_URL: redis.url, KEY_PREFIX: 'mdbench', SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
      SMTP_URL: sink.url, SEND_RATE_PER_SEC: '100000', SEND_CONCURRENCY: String(concurrency), SMTP_POOL_SIZE: '5',
      MAIL_FROM: 'Market Digest <digest@news.example.com>', PUBLIC_URL: 'https://news.example.com', LOG_LEVEL: 'info',
      SOURCES_FILE: 'config/sources.json',
      // --watchlist sends a second edition of the same stories: it must not be skipped as "nothing new".
      SKIP_EMPTY_EDITIONS: 'false',
    };
    const workerEnv = { ...env, NODE_OPTIONS: nodeOptions };
    const config = loadConfig(env);
    const ctx = createContext(config, { name: 'bench' });
    const workers: Child[] = [];
    let builder: Child | undefined;
    try {
      let t = performance.now();
      await seedConfirmed(ctx.redis, ctx.keys, readers);
      await verifySeed(ctx.redis, ctx.keys, readers);
      await seedStories(ctx.redis, ctx.keys, 200);
      const seedMs = performance.now() - t;

      if (profile) {
        rmSync(PROFILES, { recursive: true, force: true });
        mkdirSync(PROFILES, { recursive: true });
      }
      for (let w = 0; w < workerCount; w += 1) {
        const node = profile && w === 0 ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : [];
        workers.push(spawnNode([...node, ...digestArgs(useTsx), 'worker'], { ...workerEnv, ...(split ? { WORKER_QUEUES: 'send' } : {}) }, { echo: flag(args, 'echo') }));
      }
      if (split) builder = spawnNode([...digestArgs(useTsx), 'worker'], { ...workerEnv, WORKER_QUEUES: 'ingest,edition,fanout,system-mail' });
      await Promise.all([...workers, ...(builder ? [builder] : [])].map((w) => w.waitFor((l) => l.event === 'worker.started', 'worker.started', 60_000)));
      await new Promise((r) => setTimeout(r, 500));
      const readyRss = Math.max(...workers.map((w) => currentRss(w.proc.pid!)));

      const ledger = createLedger({ redis: ctx.redis, keys: ctx.keys });
      const workerPids = Object.fromEntries(workers.map((w, i) => [`worker${i + 1}`, w.proc.pid!]));
      if (builder) workerPids.builder = builder.proc.pid!;
      const others = { sink: sink.pid, redis: redis.pid, bench: process.pid };

      /** The pipeline: what `digest edition send --now` does, then wait for the sink. */
      async function sendEdition() {
        const slot = new Date().toISOString();
        const editionId = editionIdForSlot(new Date(slot), 'now');
        const pipeCpu = cpuMeter({ ...workerPids, ...others });
        const commandsBefore = await commandCounts(ctx.redis);
        const t0 = Date.now();
        await ctx.queues[QUEUE.edition].add('edition', { slot, mode: 'now' }, { jobId: jobId('edition', slot, 'now') });
        const stats = await sink.waitFor(readers, Math.max(120_000, readers * 20));
        let report: EditionReport;
        for (;;) {
          report = await ledger.report(editionId);
          if (report.finishedAt) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const cpu = pipeCpu.stop();
        const commands = perMessageCommands(commandsBefore, await commandCounts(ctx.redis), readers);
        await new Promise((r) => setTimeout(r, 300)); // anything extra would have arrived by now
        const final = await sink.stats();
        check(report.sent === readers && report.queued === readers, `ledger: ${JSON.stringify(report)}`);
        check(final.messages === readers && final.recipients === readers && final.duplicated === 0, `sink: ${JSON.stringify(final)} for ${readers} readers`);
        return { editionId, report, final, cpu, commands, pipelineMs: stats.lastAt - t0, sendPhaseMs: stats.lastAt - stats.firstAt };
      }

      const plain = await sendEdition();
      const { editionId, report, final } = plain;
      const pipelineMs = plain.pipelineMs;
      const sendPhaseMs = plain.sendPhaseMs;
      const pipeCpuMs = plain.cpu;
      const peak = workers.map((w) => w.peakRss());
      const builderPeak = builder?.peakRss();
      // --watchlist N: a second plain edition (warm, like the next one), then the same readers again,
      // each with N instruments of their own on the watchlist; the two warm runs are compared.
      let warm: Awaited<ReturnType<typeof sendEdition>> | undefined;
      let watched: Awaited<ReturnType<typeof sendEdition>> | undefined;
      const again = async () => {
        await sink.reset();
        await new Promise((r) => setTimeout(r, 1100)); // a send-now edition id has seconds
        return sendEdition();
      };
      if (watchlist > 0) {
        warm = await again();
        await seedWatchlists(ctx.redis, ctx.keys, readers, config.sources.market.symbols.map((m) => m.symbol), watchlist);
        watched = await again();
      }
      await Promise.all([...workers, ...(builder ? [builder] : [])].map((w) => w.stop()));

      const edition = (await createEditionStore({ redis: ctx.redis, keys: ctx.keys }).get(editionId))!;
      check(edition.variants.length === 3, `edition has ${edition.variants.length} variants`);
      const store = createEditionStore({ redis: ctx.redis, keys: ctx.keys });
      const variants = new Map((await Promise.all(edition.variants.map((k) => store.getVariant(editionId, k)))).map((v) => [v!.key, v!]));
      const base = baselines({ config, sink, edition, variants, concurrency });
      t = performance.now();
      const rawCpu = cpuMeter(others);
      const a = await base.raw(rawN);
      const rawCpuMs = rawCpu.stop();
      const own = await base.rawOwnPool(rawN);
      const b = await base.naive(naiveN);
      const c = await base.naivest(naivestN);

      // (w) the wire: Postfix's C smtp-source into Postfix's C smtp-sink, the pipeline's message
      // size, as many sessions as the pipeline's pool; then the pipeline again, into that sink
      // (exactly-once was checked above against the counting sink; here the ledger counts).
      const psink = await startPostfixSink();
      let wire: { rate: number; ms: number };
      let wirePipeline: { rate: number; ms: number; buildMs: number; sendRate: number };
      let wireOwnPool: { rate: number };
      try {
        wire = await smtpSource(psink, { messages: readers, sessions: 5, bytes: Math.round(final.bytes / readers) });
        wireOwnPool = await base.rawOwnPoolTo(psink.url, rawN);
        const again = Array.from({ length: workerCount }, () => spawnNode([...digestArgs(useTsx), 'worker'], { ...workerEnv, SMTP_URL: psink.url, SKIP_EMPTY_EDITIONS: 'false' }));
        workers.push(...again);
        await Promise.all(again.map((w) => w.waitFor((l) => l.event === 'worker.started', 'worker.started', 60_000)));
        await new Promise((r) => setTimeout(r, 1100)); // a new "send now" edition id (one-second resolution)
        const slot2 = new Date().toISOString();
        const edition2 = editionIdForSlot(new Date(slot2), 'now');
        const t2 = Date.now();
        await ctx.queues[QUEUE.edition].add('edition', { slot: slot2, mode: 'now' }, { jobId: jobId('edition', slot2, 'now') });
        let r2: EditionReport;
        for (;;) {
          r2 = await ledger.report(edition2);
          if (r2.finishedAt) break;
          if (Date.now() - t2 > Math.max(120_000, readers * 20)) throw new Error(`pipeline into smtp-sink: ${JSON.stringify(r2)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        const ms = Date.parse(r2.finishedAt!) - t2;
        check(r2.sent === readers && r2.unknown === 0 && r2.failed === 0, `ledger (into smtp-sink): ${JSON.stringify(r2)}`);
        // Build (MJML, in a fresh worker) until delivery starts, then the sends themselves.
        const buildMs = Date.parse(r2.startedAt!) - t2;
        wirePipeline = { rate: Math.round((readers / ms) * 1000), ms, buildMs, sendRate: Math.round((readers / (ms - buildMs)) * 1000) };
        await Promise.all(again.map((w) => w.stop()));
      } finally {
        await psink.close();
      }
      const vsWire = ratio(wirePipeline.rate, wire.rate);

      const rate = Math.round((readers / pipelineMs) * 1000);
      const sendRate = Math.round((readers / sendPhaseMs) * 1000);
      const vsRaw = ratio(rate, a.rate);
      const peakMB = mb(Math.max(...peak));
      const rows: Row[] = [
        [`(w) the wire: Postfix smtp-source → smtp-sink, 5 sessions, ${Math.round(final.bytes / readers)} bytes (${readers})`, `${wire.rate} msg/s`],
        [`(a′) our SMTP pool, pre-built bytes → Postfix smtp-sink (${rawN})`, `${wireOwnPool.rate} msg/s (/ (w) ${ratio(wireOwnPool.rate, wire.rate)})`],
        ['pipeline → Postfix smtp-sink (enqueue edition → ledger done)', `${wirePipeline.rate} msg/s`],
        ['pipeline / (w)', `${vsWire} ${verdict(vsWire, 0.5)}`],
        ['  of which edition build (enqueue → delivery starts), then sending', `${wirePipeline.buildMs} ms, then ${wirePipeline.sendRate} msg/s`],
        ['readers (confirmed, seeded by pipeline)', `${readers} in ${Math.round(seedMs)} ms`],
        ['worker processes × SEND_CONCURRENCY, SMTP pool', `${workerCount} × ${concurrency}, 5 connections${split ? ' (WORKER_QUEUES=send; + 1 builder process)' : ''}`],
        ['worker NODE_OPTIONS', nodeOptions || '(V8 defaults)'],
        ['message size at the sink (pipeline / raw)', `${Math.round(final.bytes / readers)} / ${a.avgBytes} bytes`],
        ['pipeline end to end (enqueue edition → last message)', `${pipelineMs} ms, ${rate} msg/s`],
        ['  of which send phase (first → last message)', `${sendPhaseMs} ms, ${sendRate} msg/s`],
        [`(a) transport limit: raw pre-built MIME, nodemailer pool (${rawN})`, `${a.rate} msg/s`],
        [`(a′) the same bytes through our own SMTP pool (${rawN})`, `${own.rate} msg/s (pipeline / (a′) ${ratio(rate, own.rate)})`],
        [`(b) naive: nodemailer composes each (${naiveN})`, `${b.rate} msg/s`],
        [`(c) naivest: MJML compile per reader (${naivestN})`, `${c.rate} msg/s`],
        ['pipeline / (a)', `${vsRaw} ${verdict(vsRaw, 0.8)}`],
        ['pipeline / (b), / (c)', `${ratio(rate, b.rate)}, ${ratio(rate, c.rate)}`],
        ['worker peak RSS (VmHWM)', `${peakMB} MB ${verdict(peakMB, 200, false)}`],
        ['  worker RSS when idle and ready', `${mb(readyRss)} MB`],
        ...(builderPeak !== undefined ? ([['builder process (edition + fan-out) peak RSS', `${mb(builderPeak)} MB`]] as Row[]) : []),
        ['sink peak RSS', `${mb(sink.peakRss())} MB`],
        ['CPU µs per message, pipeline', perMessage(pipeCpuMs, readers)],
        ['Redis commands per message, pipeline (the busiest)', plain.commands],
        ['CPU µs per message, (a) raw', perMessage(rawCpuMs, rawN)],
        ...(watched && warm
          ? ([
              ['CPU µs per message, plain digest again (warm)', perMessage(warm.cpu, readers)],
              [`CPU µs per message, every reader on a ${watchlist}-symbol watchlist (warm)`, perMessage(watched.cpu, readers)],
              ['  worker CPU per message, watchlist / plain (both warm)', `${workerCpuRatio(watched.cpu, warm.cpu)} ${verdict(workerCpuRatio(watched.cpu, warm.cpu), 1.15, false)}`],
            ] as Row[])
          : []),
        ['ledger', `sent ${report.sent}, failed ${report.failed}, unknown ${report.unknown}, skipped ${report.skipped}`],
      ];
      printTable(rows);
      const prof = profile ? summarise(PROFILES, 12) : null;
      if (prof) {
        console.log(`\nworker CPU profile (${prof.file}), self time:`);
        for (const p of prof.packages) console.log(`  ${String(p.share).padStart(5)}%  ${p.what}`);
        console.log('  top functions:');
        for (const f of prof.functions) console.log(`  ${String(f.share).padStart(5)}%  ${f.what}`);
      }
      printJson('delivery', {
        readers, workers: workerCount, concurrency, split, nodeOptions, builderPeakRssMB: builderPeak !== undefined ? mb(builderPeak) : undefined, pipelineMs, pipelineRate: rate, sendPhaseRate: sendRate,
        wireRate: wire.rate, ownPoolIntoSmtpSinkRate: wireOwnPool.rate, pipelineIntoSmtpSinkRate: wirePipeline.rate, ratioVsWire: vsWire, goalWireMet: vsWire >= 0.5,
        rawRate: a.rate, rawOwnPoolRate: own.rate, ratioVsOwnPool: ratio(rate, own.rate), naiveRate: b.rate, naivestRate: c.rate, ratioVsRaw: vsRaw, ratioVsNaive: ratio(rate, b.rate),
        workerPeakRssMB: peakMB, workerReadyRssMB: mb(readyRss), bytesPerMessage: Math.round(final.bytes / readers), rawBytes: a.avgBytes,
        cpuUsPerMessage: { pipeline: usPer(pipeCpuMs, readers), raw: usPer(rawCpuMs, rawN) },
        redisCommandsPerMessage: plain.commands,
        goalRatioMet: vsRaw >= 0.8, goalRssMet: peakMB <= 200,
        watchlist: watched && warm
          ? { size: watchlist, cpuUsPerMessage: usPer(watched.cpu, readers), plainWarmCpuUsPerMessage: usPer(warm.cpu, readers), workerCpuRatio: workerCpuRatio(watched.cpu, warm.cpu), pipelineMs: watched.pipelineMs }
          : undefined,
        profile: prof ? { packages: prof.packages.slice(0, 8) } : undefined,
      });
    } finally {
      await Promise.allSettled([...workers, ...(builder ? [builder] : [])].map((w) => w.stop('SIGKILL')));
      await ctx.close();
      await sink.close();
      await redis.close();
    }
  },
};

export default bench;
