// Send worker: one reader, one edition, exactly once (src/delivery/send.ts; definition: src/jobs/send.ts).
import type { Job } from 'bullmq';
import { replicaWaitOf } from '../src/config.js';
import { createAdaptiveRate } from '../src/delivery/adaptive-rate.js';
import { createLedger } from '../src/delivery/ledger.js';
import { createSender } from '../src/delivery/send.js';
import { handleSendJob, type SendJobDeps } from '../src/delivery/send-job.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';
import type { JobContext } from '../src/jobs/job.js';

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
