// MJML runs in a short-lived worker thread, not in the process that asked. Loading and
// running it (with cheerio and friends under it) takes ~60 MB of heap; in the caller's own
// isolate that memory stays for the life of the process, so the worker that built the
// edition would fan out and send with it still resident. A thread's isolate is freed
// when the thread ends, so the build's memory is given back before fan-out starts.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the thread answers for one compile. */
export type ThreadReply = { id: number; html: string } | { id: number; invalid: { message: string; details: string[] } } | { id: number; failed: string };

// Plain CommonJS source evaluated in the thread, not a module file: the same string runs
// under vitest and tsx (which transpile .ts for the main thread only) and from dist/.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let mjml2html;
parentPort.on('message', async ({ id, mjml }) => {
  try {
    mjml2html ??= require(workerData.mjmlPath);
  } catch (err) {
    parentPort.postMessage({ id, failed: 'could not load mjml: ' + (err && err.message) });
    return;
  }
  try {
    const out = await mjml2html(mjml, workerData.options);
    parentPort.postMessage({ id, html: out.html });
  } catch (err) {
    const errors = (err && err.errors) || [];
    const details = errors.map((e) => (e && (e.formattedMessage || e.message)) || String(e));
    parentPort.postMessage({ id, invalid: { message: String((err && err.message) || err), details } });
  }
});
`;

// A small young generation for the thread keeps a compile's peak low (figures: BENCHMARKS.md §1);
// the old generation cap also keeps V8's heap growth factor low.
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

export interface MjmlThreadOptions {
  /** mjml2html options (plain data: they cross to the thread by structured clone). */
  options: Record<string, unknown>;
  /** The thread ends after this long without a compile (default 1 s). */
  idleMs?: number;
}

/**
 * One thread at a time, started on the first compile and ended `idleMs` after the last
 * one answered, so the compiles of one edition build share it. While no compile is
 * pending the thread does not keep the process alive.
 */
export function createMjmlThread({ options, idleMs = 1_000 }: MjmlThreadOptions) {
  const mjmlPath = createRequire(import.meta.url).resolve('mjml');
  const pending = new Map<number, { resolve: (reply: ThreadReply) => void; reject: (err: Error) => void }>();
  let worker: Worker | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 0;
  let started = 0;

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = (): Worker => {
    const w = new Worker(THREAD_SOURCE, { eval: true, workerData: { mjmlPath, options }, resourceLimits: THREAD_LIMITS });
    started += 1;
    w.on('message', (reply: ThreadReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      p?.resolve(reply);
      if (pending.size === 0 && worker === w) {
        w.unref();
        idle = setTimeout(() => void stop(), idleMs).unref();
      }
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`MJML thread failed: ${err.message}`));
    });
    w.on('exit', (code) => {
      if (worker !== w) return;
      worker = undefined;
      failAll(new Error(`MJML thread exited (code ${code})`));
    });
    return w;
  };

  const stop = async (): Promise<void> => {
    clearTimeout(idle);
    const w = worker;
    worker = undefined;
    failAll(new Error('MJML thread stopped'));
    await w?.terminate();
  };

  return {
    /** Compile in the thread; the reply says whether MJML accepted the template. */
    compile(mjml: string): Promise<ThreadReply> {
      clearTimeout(idle);
      const w = (worker ??= start());
      w.ref();
      const id = nextId++;
      return new Promise<ThreadReply>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, mjml });
      });
    },
    /** End the thread now (safe to call twice; a later compile starts a new one). */
    stop,
    /** Whether a thread is alive now, and how many were started (tests). */
    get running(): boolean {
      return worker !== undefined;
    },
    get started(): number {
      return started;
    },
  };
}
