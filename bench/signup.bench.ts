// Signup endpoint: autocannon against the real `digest api` process (POST
// /api/subscribe, a distinct address per request, rate limits raised) versus a bare
// fastify route answering 202, same run; then the real endpoint at a fixed
// 1,000 requests/s for its p99. Private redis-server; a `digest worker` serving only
// system-mail (queue paused, so nothing is sent) drains the confirmation outbox into the
// queue during the run, as in production (`--drain-after`: only after the load, as when the
// worker runs elsewhere; its CPU per entry is then measured on its own). Checks every 202 left
// a pending subscriber and a queued confirmation mail.
//   npm run bench -- signup [--seconds 10] [--connections 50] [--rate 1000] [--drain-after] [--tsx] [--profile]
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarise } from './lib/cpuprofile.js';
import type { Benchmark } from './run.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { QUEUE } from '../src/queues/names.js';
import { flag, numArg } from './lib/args.js';
import { buildOnce, digestArgs } from './lib/build.js';
import { signupLoad, type LoadResult } from './lib/load.js';
import { cpuMeter, freePort, spawnNode, type Child } from './lib/proc.js';
import { startRedisServer } from './lib/redis-server.js';
import { serve, signupApiEnv } from './lib/signup-api.js';
import { check, mb, printJson, printTable, ratio, verdict, type Row } from './lib/report.js';

const BARE = fileURLToPath(new URL('./lib/bare-main.ts', import.meta.url));
const PROFILES = fileURLToPath(new URL('./results/profiles-api/', import.meta.url));

const ok = (r: LoadResult) => r['2xx'];
const round3 = (n: number) => Math.round(n * 1000) / 1000;

const bench: Benchmark = {
  name: 'signup',
  description: 'POST /api/subscribe (real api process) vs a bare fastify 202 route; p99 at a fixed 1,000 req/s',
  async run(args) {
    const seconds = numArg(args, 'seconds', 10);
    const connections = numArg(args, 'connections', 50);
    const rate = numArg(args, 'rate', 1000);
    const useTsx = flag(args, 'tsx');
    const profile = flag(args, 'profile');
    const drainAfter = flag(args, 'drain-after');
    if (profile) {
      rmSync(PROFILES, { recursive: true, force: true });
      mkdirSync(PROFILES, { recursive: true });
    }
    if (!useTsx) buildOnce();
    const redis = await startRedisServer();
    const env = await signupApiEnv(redis.url, 'mdbench');
    const ctx = createContext(loadConfig(env), { name: 'bench' });
    const children: Child[] = [];
    try {
      const bare = await serve(['--import', 'tsx', BARE, String(await freePort())], {});
      children.push(bare.child);
      await signupLoad(bare.url, 'warm', { seconds: 1, connections: 10 });
      const bareMax = await signupLoad(bare.url, 'bare', { seconds, connections });
      await bare.child.stop();

      // The confirmations' hand-off: the worker drains the outbox into the (paused) system-mail queue.
      await ctx.queues[QUEUE.systemMail].pause();
      const startDrain = async () => {
        const child = spawnNode([...digestArgs(useTsx), 'worker'], { ...env, WORKER_QUEUES: QUEUE.systemMail });
        children.push(child);
        await child.waitFor((l) => l.event === 'worker.started', 'worker.started', 60_000);
        return child;
      };
      let drain = drainAfter ? undefined : await startDrain();

      const api = await serve([...(profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : []), ...digestArgs(useTsx), 'api'], env);
      children.push(api.child);
      await signupLoad(api.url, 'warm', { seconds: 1, connections: 10 });
      const cpu = cpuMeter({ api: api.child.proc.pid!, redis: redis.pid, ...(drain ? { worker: drain.proc.pid! } : {}) });
      const apiMax = await signupLoad(api.url, 'max', { seconds, connections });
      const cpuMs = cpu.stop();
      const apiFixed = await signupLoad(api.url, 'fixed', { seconds, connections, rate });
      const peak = api.child.peakRss();

      const accepted = ok(apiMax) + ok(apiFixed);
      const pending = Number(await ctx.redis.hget(ctx.keys.subscriberStatusCount(), 'pending'));
      let drainCpu: Record<string, number> | undefined;
      let drained = 0;
      if (!drain) {
        await api.child.stop();
        drained = await ctx.confirmOutbox.length();
        drain = await startDrain();
        const meter = cpuMeter({ worker: drain.proc.pid!, redis: redis.pid });
        while ((await ctx.confirmOutbox.length()) > 0) await new Promise((r) => setTimeout(r, 50));
        drainCpu = meter.stop();
      }
      const drainedBy = Date.now() + 60_000;
      while ((await ctx.confirmOutbox.length()) > 0 && Date.now() < drainedBy) await new Promise((r) => setTimeout(r, 100));
      const mails = await ctx.queues[QUEUE.systemMail].getJobCounts('wait', 'delayed');
      const queued = (mails.wait ?? 0) + (mails.delayed ?? 0);
      check(apiMax.non2xx === 0 && apiFixed.non2xx === 0 && apiMax.errors === 0 && apiFixed.errors === 0, `api answered non-2xx or errors: ${apiMax.non2xx}/${apiMax.errors}, ${apiFixed.non2xx}/${apiFixed.errors}`);
      // The warm-up requests (1 s) also subscribed: at least every measured 202 is stored.
      check(pending >= accepted && queued >= accepted, `pending ${pending}, confirmation mails ${queued}, accepted ${accepted}`);

      const r = ratio(apiMax.requests.average, bareMax.requests.average);
      const achieved = Math.round(apiFixed.requests.total / seconds);
      const rows: Row[] = [
        [`bare fastify 202 (${connections} connections, ${seconds} s)`, `${Math.round(bareMax.requests.average)} req/s, p99 ${bareMax.latency.p99} ms`],
        ['POST /api/subscribe, as fast as it goes', `${Math.round(apiMax.requests.average)} req/s, p50 ${apiMax.latency.p50} ms, p99 ${apiMax.latency.p99} ms`],
        ['api / bare', `${r} ${verdict(r, 0.25)}`],
        [`POST /api/subscribe at ${rate} req/s`, `${achieved} req/s achieved, p50 ${apiFixed.latency.p50} ms, p99 ${apiFixed.latency.p99} ms ${verdict(apiFixed.latency.p99, 50, false)}`],
        drainCpu
          ? ['CPU ms per signup (api process, redis); worker, redis per entry drained after the load', `${[cpuMs.api, cpuMs.redis].map((ms) => ((ms ?? 0) / ok(apiMax)).toFixed(2)).join(', ')}; ${[drainCpu.worker, drainCpu.redis].map((ms) => ((ms ?? 0) / drained).toFixed(2)).join(', ')} (${drained} entries)`]
          : ['CPU ms per signup (api process, redis, worker draining the outbox)', [cpuMs.api, cpuMs.redis, cpuMs.worker].map((ms) => ((ms ?? 0) / ok(apiMax)).toFixed(2)).join(', ')],
        ['api peak RSS', `${mb(peak)} MB`],
        ['pending subscribers / confirmation mails queued', `${pending} / ${queued} (≥ ${accepted} accepted)`],
      ];
      printTable(rows);
      if (profile) {
        await api.child.stop();
        const prof = summarise(PROFILES, 15);
        if (prof) {
          console.log(`\napi CPU profile (${prof.file}), self time:`);
          for (const p of prof.packages) console.log(`  ${String(p.share).padStart(5)}%  ${p.what}`);
          console.log('  top functions:');
          for (const f of prof.functions) console.log(`  ${String(f.share).padStart(5)}%  ${f.what}`);
        }
      }
      printJson('signup', {
        seconds, connections, bareRps: Math.round(bareMax.requests.average), apiRps: Math.round(apiMax.requests.average), ratio: r,
        apiP99Max: apiMax.latency.p99, fixedRate: rate, fixedAchieved: achieved, fixedP50: apiFixed.latency.p50, fixedP99: apiFixed.latency.p99,
        cpuMsPerSignup: {
          api: round3((cpuMs.api ?? 0) / ok(apiMax)), redis: round3((cpuMs.redis ?? 0) / ok(apiMax)),
          worker: round3(drainCpu ? (drainCpu.worker ?? 0) / drained : (cpuMs.worker ?? 0) / ok(apiMax)),
        },
        drain: drainAfter ? 'after' : 'during',
        apiPeakRssMB: mb(peak), goalRatioMet: r >= 0.25, goalP99Met: apiFixed.latency.p99 <= 50 && achieved >= rate * 0.95,
      });
    } finally {
      await Promise.allSettled(children.map((c) => c.stop('SIGKILL')));
      await ctx.close();
      await redis.close();
    }
  },
};

export default bench;
