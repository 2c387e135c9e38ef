// Send job: one reader, one edition, exactly once (see src/delivery/send.ts).
import type { Job } from 'bullmq';
import type { AppContext } from '../src/context.js';
import { createLedger } from '../src/delivery/ledger.js';
import { replicaWaitOf } from '../src/config.js';
import { createSender } from '../src/delivery/send.js';
import { handleSendJob, type SendJobDeps } from '../src/delivery/send-job.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';

export interface SendProcessorOptions extends Pick<SendJobDeps, 'outagePauseMs' | 'pausedRecheckMs'> {
  /** A claim older than this is written off by another run (default: twice JOB_LOCK_SEC, the lock it outlived). */
  claimStaleMs?: number;
}

export function createSendProcessor<V>(ctx: AppContext, ports: DeliveryPorts<V>, options: SendProcessorOptions = {}) {
  const { claimStaleMs = 2 * ctx.config.JOB_LOCK_SEC * 1000, ...jobOptions } = options;
  const sender = createSender({
    redis: ctx.redis,
    keys: ctx.keys,
    ledger: createLedger({ redis: ctx.redis, keys: ctx.keys }, { claimStaleMs, replicaWait: replicaWaitOf(ctx.config) }),
    ports,
    mailer: ctx.mailer(),
    log: ctx.log,
    mail: { from: ctx.config.MAIL_FROM, mailDomain: ctx.config.mailDomain, listId: ctx.config.LIST_ID, feedbackSender: ctx.config.FEEDBACK_ID_SENDER },
    skipEmpty: ctx.config.SKIP_EMPTY_EDITIONS,
  });
  const deps: SendJobDeps = { sender, sendQueue: ctx.queues.send, ...jobOptions };
  return (job: Job, token?: string, signal?: AbortSignal) => handleSendJob(deps, job, token, signal);
}
