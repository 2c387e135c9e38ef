// The send job: one reader, one edition, exactly once (see src/delivery/send.ts).
import type { Job } from 'bullmq';
import { SendJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { createSender } from '../delivery/send.js';
import { handleSendJob, type SendJobDeps } from '../delivery/send-job.js';
import type { DeliveryPorts } from '../delivery/ports.js';
import { DAY_SEC, type JobContext, type JobDefinition } from './job.js';

export const sendJob: JobDefinition = {
  queue: QUEUE.send,
  payload: SendJobSchema,
  jobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 }, removeOnComplete: { age: 3 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  workerOptions: (s) => ({
    lockDuration: s.lockMs,
    stalledInterval: s.stalledMs,
    // A stalled send becomes `unknown` in the ledger on its re-run, so let it re-run.
    maxStalledCount: 3,
    concurrency: s.sendConcurrency,
    // Global across every worker on the queue (kept in Redis).
    limiter: { max: s.sendRatePerSec, duration: 1000 },
  }),
};

export function createSendProcessor<V>(ctx: JobContext, ports: DeliveryPorts<V>, options: Pick<SendJobDeps, 'outagePauseMs' | 'pausedRecheckMs'> = {}) {
  const sender = createSender({
    redis: ctx.redis,
    keys: ctx.keys,
    ledger: ctx.ledger,
    ports,
    mailer: ctx.mailer(),
    log: ctx.log,
    mail: { from: ctx.config.MAIL_FROM, mailDomain: ctx.config.mailDomain, listId: ctx.config.LIST_ID, listName: ctx.config.brand.name, feedbackSender: ctx.config.FEEDBACK_ID_SENDER },
    skipEmpty: ctx.config.SKIP_EMPTY_EDITIONS,
  });
  const deps: SendJobDeps = { sender, sendQueue: ctx.queues.send, ...options };
  return (job: Job, token?: string, signal?: AbortSignal) => handleSendJob(deps, job, token, signal);
}
