// BullMQ side of a send job (a page of readers, or one reader retried on its own): what the
// page's result and each named failure do to the job, the queue and the readers left over.
import { DelayedError, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { jobId, SendJobSchema, type SendJob } from '../queues/jobs.js';
import { SendLaterError, EditionPausedError, SendAbortedError, type PageResult, type Sender, type SendRetry } from './send.js';
import { RelayUnavailableError } from './transport/failures.js';

export interface SendJobDeps {
  sender: Sender;
  /** The send queue: `rateLimit` pauses it for every worker (a relay-wide outage); `addBulk` takes readers retried alone. */
  sendQueue: {
    rateLimit(ms: number): Promise<void>;
    addBulk(jobs: { name: string; data: SendJob; opts?: JobsOptions }[]): Promise<unknown>;
  };
  /** How long a relay outage pauses the send queue (default 30 s). */
  outagePauseMs?: number;
  /** How often a paused edition's jobs look again (default 60 s). */
  pausedRecheckMs?: number;
  /** The first wait of a reader retried after a transient failure (default 5 s; the job's backoff after that). */
  retryDelayMs?: number;
  /**
   * A reader retried alone and still throttled this long after its retry job was made is
   * recorded as failed (default 30 min): throttling spends no attempts, and a relay that
   * throttles one recipient for ever would keep its edition from finishing.
   */
  throttleGiveUpMs?: number;
}

/** A reader retried on its own, named after the page run that gave it back (a re-run page may add another: the ledger keeps it once). */
export const retryJobId = (editionId: string, subscriberId: string, run: string) => jobId('send', editionId, subscriberId, run);

export async function handleSendJob(deps: SendJobDeps, job: Job, token?: string, signal?: AbortSignal): Promise<Record<string, number>> {
  const { editionId, subscriberIds } = SendJobSchema.parse(job.data);
  const single = subscriberIds.length === 1;
  const attempts = job.opts.attempts ?? 1;
  let result: PageResult;
  try {
    // A page spends no attempt on a reader: one that fails for now is retried alone (with attempts of its own).
    result = await deps.sender.sendPage(editionId, subscriberIds, {
      finalAttempt: single && job.attemptsMade + 1 >= attempts,
      giveUpThrottled: single && Date.now() - job.timestamp > (deps.throttleGiveUpMs ?? 30 * 60_000),
      signal,
    });
  } catch (err) {
    if (err instanceof RelayUnavailableError) {
      // Pause the whole queue instead of spending every job's attempts (RateLimitError does not count one).
      await deps.sendQueue.rateLimit(deps.outagePauseMs ?? 30_000);
      throw Worker.RateLimitError();
    }
    if (err instanceof EditionPausedError) return later(job, token, deps.pausedRecheckMs ?? 60_000, err.message);
    // Stopped (closing, or the lock lost): not an attempt. With the lock lost this move fails and the job runs elsewhere.
    if (err instanceof SendAbortedError) return later(job, token, 0, err.message);
    // Not an attempt: the slot is ahead by Redis's clock.
    if (err instanceof SendLaterError) return later(job, token, err.retryInMs, err.message);
    throw err;
  }

  if (single) await settleSingle(job, token, result);
  else if (result.retries.length > 0) {
    const run = `r${Date.now().toString(36)}`;
    await deps.sendQueue.addBulk(
      result.retries.map((r) => ({
        name: 'send',
        data: { editionId, subscriberIds: [r.subscriberId] },
        opts: { jobId: retryJobId(editionId, r.subscriberId, run), delay: r.reason === 'transient' ? (deps.retryDelayMs ?? 5_000) : r.retryInMs },
      })),
    );
  }
  const counts: Record<string, number> = { retried: result.retries.length };
  for (const outcome of result.outcomes.values()) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** One reader's job: a retry is this job's own (delayed, or an attempt spent); a final failure shows as a failed job. */
async function settleSingle(job: Job, token: string | undefined, result: PageResult): Promise<void> {
  const retry: SendRetry | undefined = result.retries[0];
  if (retry) {
    if (retry.reason === 'transient') throw retry.error ?? new Error('transient failure');
    // Another run's fresh claim, or throttling: not an attempt.
    return later(job, token, retry.retryInMs, retry.error?.message ?? `${retry.reason}; retry in ${retry.retryInMs} ms`);
  }
  const outcome = [...result.outcomes.values()][0];
  // Recorded in the ledger already; failing the job shows it on the queue board too.
  if (outcome === 'bounced' || outcome === 'failed') throw new UnrecoverableError(`the send ${outcome} (the ledger and the log say why)`);
}

/** The job waits `ms` and runs again, spending no attempt (BullMQ: moveToDelayed, then DelayedError). */
async function later(job: Job, token: string | undefined, ms: number, why: string): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError(why);
}
