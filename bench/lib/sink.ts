// Client side of the SMTP sink process (smtp-sink-main.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { peakRssOf } from './proc.js';

export interface SinkStats {
  messages: number;
  recipients: number;
  /** Recipients that got more than one message. */
  duplicated: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
}

export interface Sink {
  url: string;
  pid: number;
  stats(): Promise<SinkStats>;
  reset(): Promise<void>;
  /** Resolves once `n` messages arrived (polls the counter). */
  waitFor(n: number, timeoutMs: number): Promise<SinkStats>;
  peakRss(): number;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./smtp-sink-main.ts', import.meta.url));

function ask<T>(child: ChildProcess, cmd: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: Record<string, unknown>) => {
      if (key in msg) {
        child.off('message', on);
        resolve(msg[key] as T);
      }
    };
    child.on('message', on);
    child.send({ cmd });
  });
}

export async function startSink(): Promise<Sink> {
  const child = fork(MAIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await ask<number>(child, 'noop', 'port');
  const exit = new Promise<void>((r) => child.on('exit', () => r()));
  const sink: Sink = {
    url: `smtp://127.0.0.1:${port}`,
    pid: child.pid!,
    stats: () => ask<SinkStats>(child, 'stats', 'stats'),
    reset: () => ask<boolean>(child, 'reset', 'reset').then(() => undefined),
    async waitFor(n, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await sink.stats();
        if (s.messages >= n) return s;
        if (Date.now() > until) throw new Error(`sink: ${s.messages} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    peakRss: () => peakRssOf(child.pid!),
    async close() {
      child.disconnect();
      await exit;
    },
  };
  return sink;
}
