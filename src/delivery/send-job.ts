// BullMQ side of a send: what each named failure does to the job and the queue.
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { SendJobSchema } from '../queues/jobs.js';
import { MissingVariantError, EditionPausedError, type Sender, type SendOutcome } from './send.js';
import { PermanentDeliveryError, RelayUnavailableError } from './transport/failures.js';

export interface SendJobDeps {
  sender: Sender;
  /** The send queue: `rateLimit` pauses it for every worker (a relay-wide outage). */
  sendQueue: { rateLimit(ms: number): Promise<void> };
  /** How long a relay outage pauses the send queue (default 30 s). */
  outagePauseMs?: number;
  /** How often a paused edition's jobs look again (default 60 s). */
  pausedRecheckMs?: number;
}

export async function handleSendJob(deps: SendJobDeps, job: Job, token?: string, signal?: AbortSignal): Promise<SendOutcome> {
  const { editionId, subscriberId } = SendJobSchema.parse(job.data);
  const attempts = job.opts.attempts ?? 1;
  try {
    return await deps.sender.send(editionId, subscriberId, { finalAttempt: job.attemptsMade + 1 >= attempts, signal });
  } catch (err) {
    if (err instanceof RelayUnavailableError) {
      // Pause the whole queue instead of spending every job's attempts (RateLimitError does not count one).
      await deps.sendQueue.rateLimit(deps.outagePauseMs ?? 30_000);
      throw Worker.RateLimitError();
    }
    if (err instanceof EditionPausedError) {
      await job.moveToDelayed(Date.now() + (deps.pausedRecheckMs ?? 60_000), token);
      throw new DelayedError(err.message);
    }
    if (err instanceof PermanentDeliveryError || err instanceof MissingVariantError) {
      throw new UnrecoverableError(`${err.name}: ${err.message}`);
    }
    throw err;
  }
}
