// Send worker: a page of readers of one edition, each exactly once (src/delivery/send.ts; definition: src/jobs/send.ts).
import type { Job } from 'bullmq';
import { createAdaptiveRate } from '../src/delivery/adaptive-rate.js';
import { createSender } from '../src/delivery/send.js';
import { handleSendJob, type SendJobDeps } from '../src/delivery/send-job.js';
import type { DeliveryPorts } from '../src/delivery/ports.js';
import type { JobContext } from '../src/jobs/job.js';

export type SendProcessorOptions = Pick<SendJobDeps, 'outagePauseMs' | 'pausedRecheckMs' | 'retryDelayMs' | 'throttleGiveUpMs'>;

export function createSendProcessor<V>(ctx: JobContext, ports: DeliveryPorts<V>, options: SendProcessorOptions = {}) {
  const sendQueue = ctx.queues.send;
  // Versions before paged sends paced the queue with BullMQ's global limit (jobs/s): a page is 100 of them.
  void sendQueue.removeGlobalRateLimit().catch(() => undefined);
  const rate = createAdaptiveRate({ redis: ctx.redis, key: ctx.keys.sendRate() }, { ceiling: ctx.config.SEND_RATE_PER_SEC });
  const sender = createSender({
    redis: ctx.redis,
    keys: ctx.keys,
    ledger: ctx.ledger,
    ports,
    mailer: ctx.mailer(),
    log: ctx.log,
    mail: { from: ctx.config.MAIL_FROM, mailDomain: ctx.config.mailDomain, listId: ctx.config.LIST_ID, listName: ctx.config.brand.name, feedbackSender: ctx.config.FEEDBACK_ID_SENDER },
    skipEmpty: ctx.config.SKIP_EMPTY_EDITIONS,
    inFlight: ctx.config.SEND_CONCURRENCY,
    rate,
  });
  const deps: SendJobDeps = { sender, sendQueue, ...options };
  return (job: Job, token?: string, signal?: AbortSignal) => handleSendJob(deps, job, token, signal);
}
