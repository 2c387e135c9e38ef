// Does the signup answer's timing tell who is on the list? A real `digest api` process,
// a private redis-server, addresses seeded in every state (new, pending, confirmed,
// unsubscribed, bounced, suppressed), then `--requests` signups per state, one at a time
// over one keep-alive connection, the states interleaved in random order so drift hits
// them all alike. Per state: the median; per pair of states: a two-sided Mann-Whitney U
// test. Goal: no pair distinguishable at p < 0.01. Also checks the answers are byte-identical.
//   npm run bench -- signup-timing [--requests 500] [--warmup 300] [--tsx]
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Benchmark } from './run.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { emailHash } from '../src/subscribers/address.js';
import type { SubscriberStatus } from '../src/subscribers/model.js';
import { flag, numArg } from './lib/args.js';
import { buildOnce, digestArgs } from './lib/build.js';
import type { Child } from './lib/proc.js';
import { startRedisServer } from './lib/redis-server.js';
import { serve, signupApiEnv } from './lib/signup-api.js';
import { check, printJson, printTable, round, type Row } from './lib/report.js';
import { mannWhitney, median } from './lib/stats.js';

const STATES = ['new', 'pending', 'confirmed', 'unsubscribed', 'bounced', 'suppressed'] as const;
type State = (typeof STATES)[number];
const GOAL_P = 0.01;

/** Same length for every state, so the body says nothing either. */
const address = () => `r${randomBytes(6).toString('hex')}@example.com`;

function post(agent: http.Agent, url: URL, body: string): Promise<{ ms: number; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: url.hostname, port: url.port, path: '/api/subscribe', method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

const bench: Benchmark = {
  name: 'signup-timing',
  description: 'POST /api/subscribe latency per address state (real api process); Mann-Whitney U per pair of states, goal: none at p < 0.01',
  async run(args) {
    const perState = numArg(args, 'requests', 500);
    const warmup = numArg(args, 'warmup', 300);
    const useTsx = flag(args, 'tsx');
    if (!useTsx) buildOnce();
    const redis = await startRedisServer();
    const env = await signupApiEnv(redis.url, 'mdtiming');
    const ctx = createContext(loadConfig(env), { name: 'bench' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let api: Child | undefined;
    try {
      const served = await serve([...digestArgs(useTsx), 'api'], env);
      api = served.child;
      const url = new URL(served.url);

      // Seed: one address per request in every state but `new` (a signup changes an unsubscribed one).
      const subs = ctx.subscribers;
      const seeded: Record<State, string[]> = { new: [], pending: [], confirmed: [], unsubscribed: [], bounced: [], suppressed: [] };
      const now = new Date();
      const make = async (status: SubscriberStatus) => {
        const email = address();
        const { subscriber } = await subs.create({
          email, name: '', status, topics: ['markets', 'world'], timezone: 'UTC', sendHour: 7, weekdaysOnly: false,
          consent: { at: now.toISOString(), ip: '127.0.0.1', userAgent: 'bench', source: 'bench' },
          confirmedAt: status === 'confirmed' ? now.toISOString() : null, unsubscribedAt: status === 'unsubscribed' ? now.toISOString() : null,
        }, now);
        return { email, id: subscriber.id };
      };
      for (let i = 0; i < perState; i++) {
        seeded.new.push(address());
        const p = await make('pending');
        await ctx.redis.set(ctx.keys.confirmMailSent(emailHash(p.email)), '1', 'EX', 86_400); // its confirmation went out today
        seeded.pending.push(p.email);
        seeded.confirmed.push((await make('confirmed')).email);
        seeded.unsubscribed.push((await make('unsubscribed')).email);
        const b = await make('bounced');
        await subs.suppress(b.email, 'bounce');
        seeded.bounced.push(b.email);
        const s = address();
        await subs.suppress(s, 'forgotten');
        seeded.suppressed.push(s);
      }

      for (let i = 0; i < warmup; i++) await post(agent, url, JSON.stringify({ email: address() }));
      const plan = shuffle(STATES.flatMap((state) => seeded[state].map((email) => ({ state, email }))));
      const samples: Record<State, number[]> = { new: [], pending: [], confirmed: [], unsubscribed: [], bounced: [], suppressed: [] };
      const bodies = new Set<string>();
      for (const { state, email } of plan) {
        const res = await post(agent, url, JSON.stringify({ email }));
        check(res.status === 202, `${state}: HTTP ${res.status}`);
        bodies.add(res.text);
        samples[state].push(res.ms);
      }
      check(bodies.size === 1, `answers differ between states: ${[...bodies].join(' | ')}`);

      const medians = Object.fromEntries(STATES.map((s) => [s, round(median(samples[s]), 3)])) as Record<State, number>;
      const pairs: { a: State; b: State; p: number; effect: number }[] = [];
      for (let i = 0; i < STATES.length; i++) {
        for (let j = i + 1; j < STATES.length; j++) {
          const mw = mannWhitney(samples[STATES[i]!], samples[STATES[j]!]);
          pairs.push({ a: STATES[i]!, b: STATES[j]!, p: mw.p, effect: mw.effect });
        }
      }
      const worst = pairs.reduce((w, x) => (x.p < w.p ? x : w));
      const distinguishable = pairs.filter((x) => x.p < GOAL_P);
      const rows: Row[] = [
        ...STATES.map((s): Row => [`median ms, ${s} (${samples[s].length} requests)`, String(medians[s])]),
        ...pairs.map((x): Row => [`${x.a} vs ${x.b}: Mann-Whitney p, P(${x.a} slower)`, `${x.p.toExponential(2)}, ${round(x.effect, 3)}${x.p < GOAL_P ? '  ✗' : ''}`]),
        ['pairs distinguishable at p < 0.01', `${distinguishable.length} of ${pairs.length} ${distinguishable.length === 0 ? '✓' : '✗'}`],
        ['answers byte-identical', `yes (${bodies.size} distinct body)`],
      ];
      printTable(rows);
      printJson('signup-timing', {
        perState, warmup, medians, minP: worst.p, minPPair: `${worst.a}/${worst.b}`,
        distinguishable: distinguishable.map((x) => `${x.a}/${x.b}`), goalMet: distinguishable.length === 0,
      });
    } finally {
      agent.destroy();
      await api?.stop('SIGKILL');
      await ctx.close();
      await redis.close();
    }
  },
};

export default bench;
