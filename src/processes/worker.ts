// The worker process: one BullMQ Worker per queue this process serves (WORKER_QUEUES),
// all from the one factory in src/jobs/worker.ts; the processors are in src/jobs/<queue>.ts.
import type { Processor, Worker } from 'bullmq';
import type { AppContext } from '../context.js';
import { watchOptions } from '../stories/sources-schema.js';
import { QUEUE, type QueueName } from '../queues/names.js';
import { createConfirmRenderer } from '../mail/confirm.js';
import { createWelcomeRenderer } from '../mail/welcome.js';
import { startHeartbeat } from '../ops/heartbeat.js';
import { createEditionProcessor } from '../../workers/edition.js';
import { createFanoutProcessor } from '../../workers/fanout.js';
import { createIngestProcessor } from '../../workers/ingest.js';
import { createSendProcessor } from '../../workers/send.js';
import { createSystemMailProcessor } from '../../workers/system-mail.js';
import { startJobWorkers } from '../jobs/worker.js';
import { createDeliveryPorts } from './delivery-ports.js';
import type { Running } from './api.js';
import { startOutboxDrain } from '../subscribers/confirm-outbox.js';

/** How long SIGTERM waits for jobs in flight before closing hard. */
const SHUTDOWN_DEADLINE_MS = 20_000;

export async function startWorkers(ctx: AppContext): Promise<Running & { workers: Worker[] }> {
  const { config } = ctx;
  // WORKER_QUEUES: a process may serve some queues only (e.g. `send`, which never loads MJML).
  const serves = (name: QueueName) => config.WORKER_QUEUES.includes(name);
  const ports = createDeliveryPorts(ctx);
  const mailSettings = { brand: config.brand, publicUrl: config.PUBLIC_URL, postalAddress: config.POSTAL_ADDRESS, topics: config.sources.topics };
  const processors: Partial<Record<QueueName, Processor>> = {
    ...(serves(QUEUE.systemMail)
      ? {
          [QUEUE.systemMail]: createSystemMailProcessor({
            store: ctx.subscribers,
            subscriptions: ctx.subscriptions,
            send: (m) => ctx.mailer().send(m),
            from: config.MAIL_FROM,
            mailDomain: config.mailDomain,
            log: ctx.log,
            renderConfirm: createConfirmRenderer(mailSettings),
            renderWelcome: createWelcomeRenderer(mailSettings),
            watchOptions: watchOptions(config.sources),
          }),
        }
      : {}),
    ...(serves(QUEUE.ingest) ? { [QUEUE.ingest]: createIngestProcessor(ctx) } : {}),
    ...(serves(QUEUE.edition) ? { [QUEUE.edition]: createEditionProcessor(ctx, ports) } : {}),
    ...(serves(QUEUE.fanout) ? { [QUEUE.fanout]: createFanoutProcessor(ctx, ports) } : {}),
    ...(serves(QUEUE.send) ? { [QUEUE.send]: createSendProcessor(ctx, ports, { outagePauseMs: config.SMTP_OUTAGE_PAUSE_SEC * 1000 }) } : {}),
  };
  // Confirmations reach the system-mail queue from the outbox the signup writes.
  const outboxDrain = serves(QUEUE.systemMail) ? startOutboxDrain(ctx.confirmOutbox, ctx.log) : undefined;
  const running = startJobWorkers(ctx, processors, { closeTimeoutMs: SHUTDOWN_DEADLINE_MS });
  ctx.log.info({ event: 'worker.started', queues: running.workers.map((w) => w.name) }, 'worker started');
  const heartbeat = startHeartbeat({ redis: ctx.redis, keys: ctx.keys, log: ctx.log }, 'worker');
  let closing: Promise<void> | undefined;
  return {
    workers: running.workers,
    close: () => (closing ??= Promise.all([outboxDrain?.stop(), running.close()]).then(() => heartbeat.stop())),
  };
}
