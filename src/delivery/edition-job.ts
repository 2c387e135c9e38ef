// An edition build job: refuse stale slots, build (editions stage), record the
// delivery, hand over to the fan-out with a deterministic id.
import type { JobsOptions } from 'bullmq';
import type { Logger } from '../log.js';
import { jobId, type EditionJob, type FanoutJob } from '../queues/jobs.js';
import type { Ledger } from './ledger.js';
import type { EditionPort } from './ports.js';
import { cancelSlot, claimOf, type ScheduleDeps } from './schedule.js';

export interface EditionJobDeps extends Pick<ScheduleDeps, 'redis' | 'keys' | 'log' | 'freshnessHours'> {
  editions: Pick<EditionPort, 'editionIdForSlot' | 'build'>;
  ledger: Ledger;
  fanoutQueue: { add(name: string, data: FanoutJob, opts?: JobsOptions): Promise<unknown> };
  log: Logger;
  now?: () => Date;
  /** SEND_LEAD_SEC in ms: how long before its slot a scheduled edition (daily or weekly) may start sending. */
  sendLeadMs?: number;
}

export type EditionJobResult = { editionId: string; status: string };

export async function runEditionJob(deps: EditionJobDeps, job: EditionJob): Promise<EditionJobResult> {
  const editionId = deps.editions.editionIdForSlot(job.slot, job.mode);
  const now = (deps.now ?? (() => new Date()))();
  if (job.mode !== 'now' && now.getTime() - Date.parse(job.slot) > deps.freshnessHours * 3_600_000) {
    await cancelSlot(deps, claimOf(job.slot, job.mode), 'stale-at-build');
    return { editionId, status: 'cancelled' };
  }
  const built = await deps.editions.build({ slot: job.slot, mode: job.mode });
  if (built.status === 'ready' || built.status === 'sending') {
    await deps.ledger.start(built.editionId, { slot: job.slot, mode: job.mode, leadMs: deps.sendLeadMs ?? 0 });
    await deps.fanoutQueue.add('fanout', { editionId: built.editionId }, { jobId: jobId('fanout', built.editionId) });
  } else {
    deps.log.info({ event: 'edition.not-sent', editionId: built.editionId, status: built.status }, 'edition not sent');
  }
  return built;
}
