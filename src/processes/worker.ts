// The worker process: one BullMQ Worker per queue this process serves.
// Each processor is a thin adapter in workers/; the logic lives in src/.
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { AppContext } from '../context.js';
import { redactAddresses } from '../log.js';
import { QUEUE, type QueueName } from '../queues/names.js';
import { startDeliveryWorkers } from '../delivery/workers.js';
import { brandOf } from '../editions/settings.js';
import { createWelcomeRenderer } from '../editions/welcome.js';
import { startHeartbeat } from '../ops/heartbeat.js';
import { createEditionProcessor } from '../../workers/edition.js';
import { createFanoutProcessor } from '../../workers/fanout.js';
import { createIngestProcessor } from '../../workers/ingest.js';
import { createSendProcessor } from '../../workers/send.js';
import { createDeliveryPorts } from './delivery-ports.js';
import { createSystemMailProcessor } from '../../workers/system-mail.js';
import type { Running } from './api.js';
import { closeWorkers } from '../queues/close-workers.js';
import { startOutboxDrain } from '../subscribers/confirm-outbox.js';

/** How long SIGTERM waits for jobs in flight before closing hard. */
const SHUTDOWN_DEADLINE_MS = 20_000;

export function startWorker(ctx: AppContext, name: QueueName, processor: Processor, options: Partial<WorkerOptions> = {}): Worker {
  const worker = new Worker(name, processor, { connection: ctx.connection, prefix: ctx.queuePrefix(name), ...options });
  worker.on('error', (err) => ctx.log.error({ event: 'worker.error', queue: name, err: err.message }, 'worker error'));
  worker.on('failed', (job, err) =>
    ctx.log.warn({ event: `${name}.job.failed`, jobId: job?.id, attempts: job?.attemptsMade, err: redactAddresses(err.message) }, 'job failed'),
  );
  return worker;
}

export async function startWorkers(ctx: AppContext): Promise<Running & { workers: Worker[] }> {
  const { config } = ctx;
  // WORKER_QUEUES: a process may serve some queues only (e.g. `send`, which never loads MJML).
  const serves = (name: QueueName) => config.WORKER_QUEUES.includes(name);
  const workers: Worker[] = [];
  // Confirmations reach the system-mail queue from the outbox the signup writes.
  const outboxDrain = serves(QUEUE.systemMail) ? startOutboxDrain(ctx.confirmOutbox, ctx.log) : undefined;
  if (serves(QUEUE.systemMail)) {
    workers.push(
      startWorker(
        ctx,
        QUEUE.systemMail,
        createSystemMailProcessor({
          store: ctx.subscribers,
          subscriptions: ctx.subscriptions,
          send: (m) => ctx.mailer().send(m),
          from: config.MAIL_FROM,
          mailDomain: config.mailDomain,
          postalAddress: config.POSTAL_ADDRESS,
          log: ctx.log,
          renderWelcome: createWelcomeRenderer({ brand: brandOf(config.MAIL_FROM), publicUrl: config.PUBLIC_URL, postalAddress: config.POSTAL_ADDRESS }),
        }),
        { concurrency: 4 },
      ),
    );
  }
  if (serves(QUEUE.ingest)) {
    // One ingest at a time per process; fetching many feeds can take a while, so a long lock.
    workers.push(startWorker(ctx, QUEUE.ingest, createIngestProcessor(ctx), { concurrency: 1, lockDuration: 300_000 }));
  }
  const ports = createDeliveryPorts(ctx);
  const delivery = startDeliveryWorkers(ctx, {
    ...(serves(QUEUE.edition) ? { edition: createEditionProcessor(ctx, ports) } : {}),
    ...(serves(QUEUE.fanout) ? { fanout: createFanoutProcessor(ctx, ports) } : {}),
    ...(serves(QUEUE.send) ? { send: createSendProcessor(ctx, ports, { outagePauseMs: config.SMTP_OUTAGE_PAUSE_SEC * 1000 }) } : {}),
  }, { lockDuration: config.JOB_LOCK_SEC * 1000, stalledInterval: config.JOB_LOCK_SEC * 1000 });
  const all = [...workers, ...delivery.workers];
  ctx.log.info({ event: 'worker.started', queues: all.map((w) => w.name) }, 'worker started');
  const heartbeat = startHeartbeat({ redis: ctx.redis, keys: ctx.keys, log: ctx.log }, 'worker');
  let closing: Promise<void> | undefined;
  return {
    workers: all,
    close: () =>
      (closing ??= Promise.all([
        outboxDrain?.stop(),
        closeWorkers(workers, SHUTDOWN_DEADLINE_MS, (w) =>
          ctx.log.warn({ event: 'worker.close-timeout', queue: w.name }, 'jobs still in flight at the deadline; closing hard'),
        ),
        delivery.close(),
      ]).then(() => heartbeat.stop())),
  };
}
