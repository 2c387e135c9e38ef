// The edition build job: parse, build, hand over to the fan-out.
import type { Job } from 'bullmq';
import { EditionJobSchema } from '../queues/jobs.js';
import { QUEUE } from '../queues/names.js';
import { runEditionJob, type EditionJobResult } from '../delivery/edition-job.js';
import type { DeliveryPorts } from '../delivery/ports.js';
import { DAY_SEC, type JobContext, type JobDefinition } from './job.js';

export const editionJob: JobDefinition = {
  queue: QUEUE.edition,
  payload: EditionJobSchema,
  jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 7 * DAY_SEC }, removeOnFail: { age: 14 * DAY_SEC } },
  // Builds render MJML: a long lock so a busy event loop is not mistaken for a dead worker.
  workerOptions: (s) => ({ concurrency: 1, lockDuration: Math.max(120_000, s.lockMs), stalledInterval: s.stalledMs }),
};

export function createEditionProcessor(ctx: JobContext, ports: DeliveryPorts) {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    freshnessHours: ctx.config.FRESHNESS_HOURS,
    editions: ports.editions,
    ledger: ctx.ledger,
    fanoutQueue: ctx.queues.fanout,
    sendLeadMs: ctx.config.SEND_LEAD_SEC * 1000,
  };
  return (job: Job): Promise<EditionJobResult> => runEditionJob(deps, EditionJobSchema.parse(job.data));
}
