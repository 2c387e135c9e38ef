// The send job: one reader, one edition, exactly once (see src/delivery/send.ts).
import type { Job } from 'bullmq';
import { SendJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { createLedger } from '../delivery/ledger.js';
import { replicaWaitOf } from '../config.js';
import { createAdaptiveRate } from '../delivery/adaptive-rate.js';
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
    concurrency: s.sendConcurrency,
    // Global across every worker on the queue (kept in Redis).
    limiter: { max: s.sendRatePerSec, duration: 1000 },
  }),
};

export interface SendProcessorOptions extends Pick<SendJobDeps, 'outagePauseMs' | 'pausedRecheckMs'> {
  /** A claim older than this is written off by another run (default: twice JOB_LOCK_SEC, the lock it outlived). */
  claimStaleMs?: number;
}

export function createSendProcessor<V>(ctx: JobContext, ports: DeliveryPorts<V>, options: SendProcessorOptions = {}) {
  const { claimStaleMs = 2 * ctx.config.JOB_LOCK_SEC * 1000, ...jobOptions } = options;
  const sender = createSender({
    redis: ctx.redis,
    keys: ctx.keys,
    ledger: createLedger({ redis: ctx.redis, keys: ctx.keys }, { claimStaleMs, replicaWait: replicaWaitOf(ctx.config) }),
    ports,
    mailer: ctx.mailer(),
    log: ctx.log,
    mail: { from: ctx.config.MAIL_FROM, mailDomain: ctx.config.mailDomain, listId: ctx.config.LIST_ID, listName: ctx.config.brand.name, feedbackSender: ctx.config.FEEDBACK_ID_SENDER },
    skipEmpty: ctx.config.SKIP_EMPTY_EDITIONS,
  });
  const sendQueue = ctx.queues.send;
  const rate = createAdaptiveRate(
    { redis: ctx.redis, key: ctx.keys.sendRate(), apply: (perSecond) => sendQueue.setGlobalRateLimit(perSecond, 1000) },
    { ceiling: ctx.config.SEND_RATE_PER_SEC },
  );
  const deps: SendJobDeps = { sender, sendQueue, rate, ...jobOptions };
  return (job: Job, token?: string, signal?: AbortSignal) => handleSendJob(deps, job, token, signal);
}
