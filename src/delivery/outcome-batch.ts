// Send outcomes written in batches: an outcome is written at once when no write for its
// edition is under way, else it joins the next batch, so a busy process makes one round
// trip for many outcomes and an idle one waits for nothing. Each caller learns when its
// own outcome is in Redis (a crash before that leaves the claim: `unknown`, never a resend).
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
  /** Outcomes per round trip at most (default 500). */
  batch?: number;
}

export function createOutcomeBatch(deps: OutcomeBatchDeps) {
  const queues = new Map<string, Pending[]>();
  const size = deps.batch ?? 500;

  async function flush(editionId: string, queue: Pending[]) {
    while (queue.length > 0) {
      const batch = queue.splice(0, size);
      try {
        const result = await deps.written(() => deps.ledger.finishMany(editionId, batch, deps.lastKey), editionId, 'outcomes');
        await deps.settled(editionId, result);
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.failed(err);
      }
    }
    queues.delete(editionId);
  }

  /** Resolves once the outcome is in the ledger. `last`: the reader's last-edition entry (with `sent`). */
  return function record(editionId: string, subscriberId: string, to: FinalState, last?: string): Promise<void> {
    return new Promise((done, failed) => {
      const entry: Pending = { subscriberId, to, ...(last === undefined ? {} : { last }), done, failed };
      const queue = queues.get(editionId);
      if (queue) return void queue.push(entry);
      const fresh = [entry];
      queues.set(editionId, fresh);
      queueMicrotask(() => void flush(editionId, fresh));
    });
  };
}
