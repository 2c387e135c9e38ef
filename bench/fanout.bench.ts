// Fan-out at scale: N confirmed subscribers (seeded by pipeline) on a private
// redis-server; a real `digest worker` process builds the edition and fans out
// (the send queue is paused, so only enqueueing is measured): every reader queued in
// the ledger, one send job per SEND_PAGE_SIZE readers. Baseline in the same run:
// BullMQ's own addBulk of one job per reader from a plain process (what queueing every
// reader costs without pages). Also Redis memory per subscriber.
//   npm run bench -- fanout [--subscribers 100000] [--split] [--v8-defaults] [--tsx]
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Benchmark } from './run.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { createLedger } from '../src/delivery/ledger.js';
import { editionIdForSlot } from '../src/editions/model.js';
import { QUEUE } from '../src/queues/names.js';
import { jobId } from '../src/queues/jobs.js';
import { flag, numArg } from './lib/args.js';
import { buildOnce, digestArgs, workerNodeOptions } from './lib/build.js';
import { spawnNode, type Child } from './lib/proc.js';
import { startRedisServer } from './lib/redis-server.js';
import { check, mb, printJson, printTable, ratio, round, verdict, type Row } from './lib/report.js';
import { seedConfirmed, seedStories, verifySeed } from './lib/seed.js';

const ADDBULK = fileURLToPath(new URL('./lib/addbulk-main.ts', import.meta.url));

const bench: Benchmark = {
  name: 'fanout',
  description: 'queue every confirmed subscriber (ledger + a send job per page): rate vs BullMQ addBulk of a job per reader, fan-out process peak RSS, Redis bytes per subscriber',
  async run(args) {
    const n = numArg(args, 'subscribers', 100_000);
    const useTsx = flag(args, 'tsx');
    // --split: the measured process serves only the fan-out queue (WORKER_QUEUES=fanout); another
    // process builds the edition (MJML). Without it one worker does both, as by default.
    const split = flag(args, 'split');
    // Workers get the compose file's NODE_OPTIONS (V8 heap settings) unless --v8-defaults.
    const nodeOptions = flag(args, 'v8-defaults') ? '' : workerNodeOptions();
    if (!useTsx) buildOnce();
    const redis = await startRedisServer();
    const env = {
      REDIS_URL: redis.url, KEY_PREFIX: 'mdbench', SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
      SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Market Digest <digest@news.example.com>', LOG_LEVEL: 'info', SOURCES_FILE: 'config/sources.json',
    };
    const workerEnv = { ...env, NODE_OPTIONS: nodeOptions };
    const ctx = createContext(loadConfig(env), { name: 'bench' });
    let worker: Child | undefined;
    let builder: Child | undefined;
    try {
      const before = await redis.usedMemory();
      let t = performance.now();
      await seedConfirmed(ctx.redis, ctx.keys, n, 5000);
      const seedMs = performance.now() - t;
      const bytesPerSubscriber = (await redis.usedMemory() - before) / n;
      await verifySeed(ctx.redis, ctx.keys, n);
      await seedStories(ctx.redis, ctx.keys, 200);

      await ctx.queues[QUEUE.send].pause(); // enqueue only: no send runs
      worker = spawnNode([...digestArgs(useTsx), 'worker'], split ? { ...workerEnv, WORKER_QUEUES: 'fanout' } : workerEnv);
      await worker.waitFor((l) => l.event === 'worker.started', 'worker.started', 60_000);
      if (split) {
        builder = spawnNode([...digestArgs(useTsx), 'worker'], { ...workerEnv, WORKER_QUEUES: 'edition' });
        await builder.waitFor((l) => l.event === 'worker.started', 'worker.started', 60_000);
      }
      const slot = new Date().toISOString();
      const editionId = editionIdForSlot(new Date(slot), 'now');
      await ctx.queues[QUEUE.edition].add('edition', { slot, mode: 'now' }, { jobId: jobId('edition', slot, 'now') });
      const ledger = createLedger({ redis: ctx.redis, keys: ctx.keys });
      const until = Date.now() + Math.max(300_000, n);
      while (!(await ledger.report(editionId)).fanoutDoneAt) {
        if (Date.now() > until) throw new Error('fan-out did not finish');
        await new Promise((r) => setTimeout(r, 100));
      }
      const peakRss = worker.peakRss();
      const builderPeak = builder?.peakRss();
      await worker.stop();
      await builder?.stop();
      const fanoutJob = await ctx.queues[QUEUE.fanout].getJob(jobId('fanout', editionId));
      const fanoutMs = (fanoutJob?.finishedOn ?? 0) - (fanoutJob?.processedOn ?? 0);
      const report = await ledger.report(editionId);
      const counts = await ctx.queues[QUEUE.send].getJobCounts('wait', 'active', 'completed', 'failed');
      const enqueued = counts.wait ?? 0;
      // Keyset pages of 1,000 readers, each split into send jobs of SEND_PAGE_SIZE.
      const pageJobs = (len: number) => Math.ceil(len / ctx.config.SEND_PAGE_SIZE);
      const wantJobs = Math.floor(n / 1000) * pageJobs(1000) + pageJobs(n % 1000);
      check(report.queued === n && enqueued === wantJobs, `fan-out: ledger queued ${report.queued}, send jobs ${JSON.stringify(counts)}, want ${n} readers in ${wantJobs} jobs`);
      const memAfterFanout = await redis.usedMemory();

      const child = spawnNode(['--import', 'tsx', ADDBULK, String(n), 'bench0'], env);
      const done = await child.waitFor((l) => typeof l.added === 'number', 'addBulk result', Math.max(300_000, n));
      await child.stop();
      const bulkMs = Number(done.ms);
      const bulkQueue = new Queue('bench-addbulk', { connection: ctx.connection, prefix: 'mdbench' });
      const bulkWaiting = await bulkQueue.getWaitingCount();
      await bulkQueue.close();
      check(bulkWaiting === n, `addBulk baseline: ${bulkWaiting} jobs waiting, want ${n}`);
      const bytesPerJob = (memAfterFanout - before) / n - bytesPerSubscriber;

      const rate = Math.round((n / fanoutMs) * 1000);
      const bulkRate = Math.round((n / bulkMs) * 1000);
      const r = ratio(rate, bulkRate);
      const peak = mb(peakRss);
      const rows: Row[] = [
        ['confirmed subscribers', `${n} (seeded in ${Math.round(seedMs)} ms)`],
        ['worker NODE_OPTIONS', nodeOptions || '(V8 defaults)'],
        ['Redis memory per subscriber (hash + indexes)', `${Math.round(bytesPerSubscriber)} bytes`],
        ['Redis memory per queued reader (ledger entry + a share of its page job)', `${Math.round(bytesPerJob)} bytes`],
        ['fan-out: every reader queued', `${fanoutMs} ms, ${rate} readers/s in ${enqueued} send jobs`],
        ['baseline: BullMQ addBulk, one job per reader, pages of 1000', `${bulkMs} ms, ${bulkRate} jobs/s`],
        ['fan-out / addBulk', `${r} ${verdict(r, 0.5)}`],
        [split ? 'fan-out process peak RSS (WORKER_QUEUES=fanout)' : 'worker (fan-out) process peak RSS, incl. edition build', `${peak} MB ${verdict(peak, 250, false)}`],
        ...(builderPeak !== undefined ? ([['edition builder process peak RSS', `${mb(builderPeak)} MB`]] as Row[]) : []),
      ];
      printTable(rows);
      printJson('fanout', {
        subscribers: n, seedMs: Math.round(seedMs), redisBytesPerSubscriber: Math.round(bytesPerSubscriber), redisBytesPerQueuedSend: Math.round(bytesPerJob),
        split, nodeOptions, builderPeakRssMB: builderPeak !== undefined ? mb(builderPeak) : undefined, fanoutMs, fanoutRate: rate, addBulkMs: bulkMs, addBulkRate: bulkRate, ratio: r, peakRssMB: peak, pages: Math.ceil(n / 1000),
        goalRatioMet: r >= 0.5, goalRssMet: peak <= 250, usedMemoryMB: mb(await redis.usedMemory()), msPerPage: round(fanoutMs / Math.ceil(n / 1000)),
      });
    } finally {
      await worker?.stop('SIGKILL');
      await builder?.stop('SIGKILL');
      await ctx.close();
      await redis.close();
    }
  },
};

export default bench;
