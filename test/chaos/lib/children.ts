// Every child process and server the suite starts is registered here, so a
// failure, a thrown error or Ctrl-C still ends them all (process 'exit' handler:
// only synchronous kills are possible there, hence SIGKILL).
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAllSync(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

export function track(child: ChildProcess): ChildProcess {
  if (!installed) {
    installed = true;
    process.once('exit', killAllSync);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        killAllSync();
        process.exit(130);
      });
    }
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kill what is still running (the scenario's finally). */
export function killAll(): void {
  killAllSync();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it returns a value (not undefined/false) or the time is up. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
