// The system as operators run it: `node bin/digest.js api|scheduler|worker`
// child processes against the suite's Redis, SMTP and feeds. Workers and
// schedulers can be killed (-9) and restarted; every child is tracked for cleanup.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { queuePrefix } from '../../../src/keys.js';
import { bullConnection, type RedisTopology } from '../../../src/redis.js';
import { freePort, startDigest, waitForHttp, wrapDigest, type DigestProcess } from '../../helpers/process.js';
import { TEST_SECRET } from '../../helpers/env.js';
import { QUEUE } from '../../../src/queues/names.js';
import { sleep, track, waitUntil } from './children.js';

const CLOCK_SHIFT = fileURLToPath(new URL('./clock-shift.mjs', import.meta.url));
export const ADMIN_PASSWORD = 'chaos-admin-password';

export type Role = 'api' | 'scheduler' | 'worker';

export interface Member {
  role: Role;
  name: string;
  proc: DigestProcess;
  /** Killed on purpose: its death is not a finding. */
  killed: boolean;
  /** Milliseconds its clock is moved (`Date` only; 0 = the machine's clock). */
  clockOffsetMs: number;
}

export interface SystemOptions {
  /** Where the processes find Redis: REDIS_URL, or the Sentinel / Cluster variables. */
  redisEnv: Record<string, string>;
  /** The same, for the suite's own BullMQ connections. */
  topology: RedisTopology;
  prefix: string;
  smtpUrl: string;
  sourcesFile: string;
  env?: Record<string, string>;
  /** Milliseconds added to the schedulers' clock (scenario 4). */
  schedulerClockOffsetMs?: number | undefined;
  /** Milliseconds added to every other process's clock (scenario 13); `add()` can set one process's. */
  clockOffsetMs?: number | undefined;
}

export interface ProcessSpec {
  role: Role;
  /** Overrides the system's env for this process alone. */
  env?: Record<string, string>;
  /** Moves its clock (default as `add()`). */
  clockOffsetMs?: number;
}

export interface RunResult {
  code: number | null;
  output: string;
}

export class ChaosSystem {
  readonly members: Member[] = [];
  readonly env: Record<string, string>;
  apiUrl = '';
  private counter = 0;

  constructor(readonly options: SystemOptions) {
    this.env = {
      ...options.redisEnv,
      KEY_PREFIX: options.prefix,
      SECRET_KEY: TEST_SECRET,
      SMTP_URL: options.smtpUrl,
      SOURCES_FILE: options.sourcesFile,
      MAIL_FROM: 'Market Digest <digest@news.example.com>',
      LOG_LEVEL: 'warn',
      SEND_RATE_PER_SEC: '2000',
      ADMIN_PASSWORD,
      SKIP_EMPTY_EDITIONS: 'false',
      JOB_LOCK_SEC: '10',
      TZ: 'UTC',
      ...options.env,
    };
  }

  private spawnRole(role: Role, extra: Record<string, string> = {}, clockOffsetMs?: number): Member {
    const name = `${role}-${++this.counter}`;
    const env = { ...this.env, ...extra };
    const offset = clockOffsetMs ?? ((role === 'scheduler' ? this.options.schedulerClockOffsetMs : undefined) || this.options.clockOffsetMs || 0);
    let proc: DigestProcess;
    if (offset) {
      // Same entry point, with the clock shifted (a slot boundary within the scenario, or a skewed host).
      const child = spawn(process.execPath, ['--import', CLOCK_SHIFT, 'bin/digest.js', role], {
        env: { PATH: process.env.PATH!, ...env, CHAOS_CLOCK_OFFSET_MS: String(offset) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc = wrap(child);
    } else {
      proc = startDigest([role], env);
    }
    track(proc.child);
    const member: Member = { role, name, proc, killed: false, clockOffsetMs: offset };
    this.members.push(member);
    return member;
  }

  /** Start the processes together; `also` are ones with their own env or clock, returned in order. */
  async start(counts: { api?: boolean; schedulers?: number; workers?: number; also?: ProcessSpec[] }): Promise<Member[]> {
    if (counts.api) {
      const port = await freePort();
      this.env.PORT = String(port);
      this.env.HOST = '127.0.0.1';
      this.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
      this.apiUrl = `http://127.0.0.1:${port}`;
      this.spawnRole('api');
    }
    for (let i = 0; i < (counts.workers ?? 0); i++) this.spawnRole('worker');
    for (let i = 0; i < (counts.schedulers ?? 0); i++) this.spawnRole('scheduler');
    const also = (counts.also ?? []).map((p) => this.spawnRole(p.role, p.env, p.clockOffsetMs));
    if (counts.api) await waitForHttp(`${this.apiUrl}/healthz`, 30_000);
    await this.waitWorkers();
    return also;
  }

  alive(role?: Role): Member[] {
    return this.members.filter((m) => (!role || m.role === role) && m.proc.child.exitCode === null && m.proc.child.signalCode === null);
  }

  /** Processes that died without the scenario killing them. */
  unexpectedDeaths(): string[] {
    return this.members
      .filter((m) => !m.killed && (m.proc.child.exitCode !== null || m.proc.child.signalCode !== null))
      .map((m) => `${m.name} exited (${m.proc.child.exitCode ?? m.proc.child.signalCode}): ${m.proc.output().slice(-400)}`);
  }

  /** Wait until every live worker process has its BullMQ workers registered on the send queue. */
  async waitWorkers(timeoutMs = 30_000): Promise<void> {
    const want = this.alive('worker').length;
    if (want === 0) return;
    const { topology, prefix } = this.options;
    const connection = bullConnection(topology);
    const queue = new Queue(QUEUE.send, { connection, prefix: queuePrefix(prefix, QUEUE.send, topology.kind === 'cluster') });
    queue.on('error', () => {});
    try {
      await waitUntil(`${want} worker processes`, async () => (await queue.getWorkersCount()) >= want, timeoutMs, 200);
    } finally {
      await queue.close();
      if (connection instanceof Cluster) connection.disconnect();
    }
  }

  async kill(member: Member, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    member.killed = true;
    await member.proc.stop(signal);
  }

  /**
   * Start one more process; `env` overrides the system's for it alone (e.g. a proxied REDIS_URL),
   * `clockOffsetMs` moves its clock (default: `schedulerClockOffsetMs` for a scheduler, else `clockOffsetMs`).
   */
  async add(role: Role, env: Record<string, string> = {}, clockOffsetMs?: number): Promise<Member> {
    const m = this.spawnRole(role, env, clockOffsetMs);
    if (role === 'worker') await this.waitWorkers();
    return m;
  }

  /** `node bin/digest.js …` as an operator runs it, bounded in time. */
  async cli(args: string[], timeoutMs = 120_000, extraEnv: Record<string, string> = {}): Promise<RunResult> {
    const proc = startDigest(args, { ...this.env, ...extraEnv });
    track(proc.child);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
    const code = await proc.stop('SIGCONT');
    clearTimeout(timer);
    return { code, output: proc.output() };
  }

  /** SIGTERM everything (graceful), then SIGKILL what is left after a deadline. */
  async stop(deadlineMs = 15_000): Promise<void> {
    const live = this.alive();
    for (const m of live) m.killed = true;
    await Promise.race([Promise.all(live.map((m) => m.proc.stop('SIGTERM'))), sleep(deadlineMs)]);
    for (const m of this.alive()) await m.proc.stop('SIGKILL');
  }
}

const wrap = (child: ReturnType<typeof spawn>): DigestProcess => wrapDigest(child, 20_000);
