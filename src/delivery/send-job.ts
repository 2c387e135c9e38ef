// BullMQ side of a send: what each named failure does to the job and the queue.
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { SendJobSchema } from '../queues/jobs.js';
import { SendLaterError, MissingVariantError, EditionPausedError, type Sender, type SendOutcome } from './send.js';
import { PermanentDeliveryError, RelayThrottlingError, RelayUnavailableError } from './transport/failures.js';
import type { AdaptiveRate } from './adaptive-rate.js';

export interface SendJobDeps {
  sender: Sender;
  /** The send queue: `rateLimit` pauses it for every worker (a relay-wide outage). */
  sendQueue: { rateLimit(ms: number): Promise<void> };
  /** How long a relay outage pauses the send queue (default 30 s). */
  outagePauseMs?: number;
  /** How often a paused edition's jobs look again (default 60 s). */
  pausedRecheckMs?: number;
  /** The shared send rate: throttling cuts it, successes raise it (none = fixed rate). */
  rate?: AdaptiveRate;
  /** How long a throttled message waits before it is tried again (default 1 s, plus jitter). */
  throttledRetryMs?: number;
}

export async function handleSendJob(deps: SendJobDeps, job: Job, token?: string, signal?: AbortSignal): Promise<SendOutcome> {
  const { editionId, subscriberId } = SendJobSchema.parse(job.data);
  const attempts = job.opts.attempts ?? 1;
  try {
    const outcome = await deps.sender.send(editionId, subscriberId, { finalAttempt: job.attemptsMade + 1 >= attempts, signal });
    if (outcome === 'sent') deps.rate?.succeeded();
    return outcome;
  } catch (err) {
    if (err instanceof RelayThrottlingError && deps.rate) {
      // Congestion, not an outage: slow everybody down and try this one again soon (not an attempt).
      // Throttling nearly every message: the relay refuses everyone, pause as for an outage.
      const { refusing } = await deps.rate.throttled();
      if (refusing) {
        await deps.sendQueue.rateLimit(deps.outagePauseMs ?? 30_000);
        throw Worker.RateLimitError();
      }
      const wait = deps.throttledRetryMs ?? 1000;
      await job.moveToDelayed(Date.now() + wait + Math.floor(Math.random() * wait), token);
      throw new DelayedError(err.message);
    }
    if (err instanceof RelayUnavailableError) {
      // Pause the whole queue instead of spending every job's attempts (RateLimitError does not count one).
      await deps.sendQueue.rateLimit(deps.outagePauseMs ?? 30_000);
      throw Worker.RateLimitError();
    }
    if (err instanceof EditionPausedError) {
      await job.moveToDelayed(Date.now() + (deps.pausedRecheckMs ?? 60_000), token);
      throw new DelayedError(err.message);
    }
    if (err instanceof SendLaterError) {
      // Not an attempt: the run holding the claim may yet record the outcome, or the slot is ahead.
      await job.moveToDelayed(Date.now() + err.retryInMs, token);
      throw new DelayedError(err.message);
    }
    if (err instanceof PermanentDeliveryError || err instanceof MissingVariantError) {
      throw new UnrecoverableError(`${err.name}: ${err.message}`);
    }
    throw err;
  }
}
