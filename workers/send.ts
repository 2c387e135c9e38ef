// Send worker: one reader, one edition, exactly once (src/delivery/send.ts; definition: src/jobs/send.ts).
import type { Job } from 'bullmq';
import { createSender } from '../src/delivery/send.js';
import { handleSendJob, type SendJobDeps } from '../src/delivery/send-job.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';
import type { JobContext } from '../src/jobs/job.js';

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
