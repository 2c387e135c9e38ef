// Child processes for benchmarks: spawn with env, read JSON lines, wait for one,
// read the kernel's peak-RSS mark (VmHWM), stop with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  stderr(): string;
  waitFor(pred: (line: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Peak resident set size so far, in bytes (Linux /proc VmHWM). */
  peakRss(): number;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function peakRssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 1/100 s
}

/** CPU ms per process between two calls, for `where the time goes` tables. */
export function cpuMeter(pids: Record<string, number>) {
  const start = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  return {
    stop(): Record<string, number> {
      return Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid) - start[k]!]));
    },
  };
}

export function currentRss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) * 1024;
}

export function spawnNode(args: string[], env: Record<string, string>, options: { echo?: boolean } = {}): Child {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let err = '';
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (options.echo) console.log(`  [child ${proc.pid}] ${line}`);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        continue;
      }
      for (const l of listeners) l();
    }
  });
  proc.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-8000)));
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r((exited = code))));
  return {
    proc,
    lines,
    stderr: () => err,
    waitFor(pred, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          const hit = lines.find(pred);
          if (hit) {
            done();
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`child ${proc.pid}: no ${what} within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exit.then((code) => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`child ${proc.pid} exited (${code}) before ${what}; stderr: ${err.slice(-2000)}`));
        });
        check();
      });
    },
    peakRss: () => (exited === undefined ? peakRssOf(proc.pid!) : 0),
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (exited !== undefined) return exited;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Sample a process's peak RSS in-process (for code running in the benchmark itself). */
export function selfPeak(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}
