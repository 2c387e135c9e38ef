// Send outcomes written in batches: a batch goes once `batch` outcomes wait, or at the end of
// the event loop's turn in which its first arrived (or `maxWaitMs` after it), and while one
// write is under way the next batch fills, so a busy process makes one round trip for many
// outcomes and a quiet one does not wait. Each
// caller learns when its own outcome is in Redis (a crash before that leaves the claim:
// `unknown`, never a resend).
import type { FinalState, Ledger } from './ledger.js';

interface Pending {
  subscriberId: string;
  to: FinalState;
  last?: string;
  done(): void;
  failed(err: unknown): void;
}

export interface OutcomeBatchDeps {
  ledger: Pick<Ledger, 'finishMany'>;
  /** The reader → last-edition hash, written with each `sent`. */
  lastKey: string;
  /** Runs a ledger write, retrying while Redis is away. */
  written<T>(write: () => Promise<T>, editionId: string, what: string): Promise<T>;
  /** Told what each batch finished or paused. */
  settled(editionId: string, result: { finished: boolean; paused: boolean }): Promise<void>;
  /** Outcomes that make a write start at once (default 1: no waiting). */
  batch?: number;
  /** The longest an outcome waits for others before its write starts (default 0: the end of this turn of the event loop). */
  maxWaitMs?: number;
}

/** Outcomes per round trip at most. */
const MOST = 500;

interface Queue {
  pending: Pending[];
  writing: boolean;
  timer: { cancel(): void } | undefined;
}

/** Runs `fn` after `ms`, or at the end of this turn of the event loop when `ms` is 0. */
function later(ms: number, fn: () => void): { cancel(): void } {
  if (ms <= 0) {
    const immediate = setImmediate(fn);
    return { cancel: () => clearImmediate(immediate) };
  }
  const timeout = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(timeout) };
}

export function createOutcomeBatch(deps: OutcomeBatchDeps) {
  const queues = new Map<string, Queue>();
  const enough = Math.max(1, deps.batch ?? 1);
  const maxWaitMs = deps.maxWaitMs ?? 0;

  function schedule(editionId: string, queue: Queue) {
    if (queue.writing) return; // the write under way takes what waits when it is done
    if (queue.pending.length >= enough) {
      queue.timer?.cancel();
      queue.timer = undefined;
      void write(editionId, queue);
    } else
      queue.timer ??= later(maxWaitMs, () => {
        queue.timer = undefined;
        void write(editionId, queue);
      });
  }

  async function write(editionId: string, queue: Queue) {
    queue.writing = true;
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0, MOST);
      try {
        const result = await deps.written(() => deps.ledger.finishMany(editionId, batch, deps.lastKey), editionId, 'outcomes');
        await deps.settled(editionId, result);
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.failed(err);
      }
    }
    queue.writing = false;
    if (queue.timer === undefined) queues.delete(editionId);
  }

  /** Resolves once the outcome is in the ledger. `last`: the reader's last-edition entry (with `sent`). */
  return function record(editionId: string, subscriberId: string, to: FinalState, last?: string): Promise<void> {
    return new Promise((done, failed) => {
      let queue = queues.get(editionId);
      if (!queue) queues.set(editionId, (queue = { pending: [], writing: false, timer: undefined }));
      queue.pending.push({ subscriberId, to, ...(last === undefined ? {} : { last }), done, failed });
      schedule(editionId, queue);
    });
  };
}
