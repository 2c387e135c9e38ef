// The suite's side of the SMTP child: start it, steer its faults, read what it received.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../helpers/process.js';
import { track, waitUntil } from './children.js';
import type { Faults, Received, SmtpCommand, SmtpCounters, SmtpReply } from './smtp-protocol.js';

const MAIN = fileURLToPath(new URL('./smtp-main.ts', import.meta.url));

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface ChaosSmtp {
  url: string;
  faults(f: Faults): Promise<void>;
  /** Refuse connections for `ms` (returns at once; the window runs in the child). */
  refuse(ms: number): Promise<void>;
  keepRaw(pattern: string | null): Promise<void>;
  received(): Promise<{ received: Received[]; counters: SmtpCounters }>;
  raw(): Promise<Record<string, string[]>>;
  stop(): Promise<void>;
}

export async function startChaosSmtp(seed: number): Promise<ChaosSmtp> {
  const port = await freePort();
  const child: ChildProcess = track(fork(MAIN, [String(port), String(seed)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const pending = new Map<number, (r: SmtpReply) => void>();
  let ready = false;
  let nextId = 1;
  child.on('message', (r: SmtpReply) => {
    if (r.type === 'ready') ready = true;
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
  await waitUntil('the SMTP child to listen', () => ready || (child.exitCode !== null ? Promise.reject(new Error('smtp child exited')) : false), 20_000, 50);

  const ask = <R extends SmtpReply>(cmd: Distribute<SmtpCommand>): Promise<R> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`smtp child did not answer ${cmd.type}`)), 20_000);
      pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r as R);
      });
      child.send({ ...cmd, id } as SmtpCommand);
    });

  return {
    url: `smtp://127.0.0.1:${port}`,
    faults: async (faults) => void (await ask({ type: 'faults', faults })),
    refuse: async (ms) => void (await ask({ type: 'refuse', ms })),
    keepRaw: async (pattern) => void (await ask({ type: 'keep-raw', pattern })),
    async received() {
      const r = await ask<Extract<SmtpReply, { type: 'received' }>>({ type: 'received' });
      return { received: r.received, counters: r.counters };
    },
    async raw() {
      return (await ask<Extract<SmtpReply, { type: 'raw' }>>({ type: 'raw' })).raw;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.disconnect();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
