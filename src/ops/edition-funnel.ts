// One row per edition for operators: its status from the edition store and its
// delivery funnel from the send ledger (readers due, sent, failed, …), plus the
// slots that were cancelled before an edition existed.
import type { EditionReport } from '../delivery/ledger.js';
import type { Edition } from '../editions/model.js';
import type { OpsPorts } from './ports.js';
import { duration, shortTime } from './format.js';

export interface EditionFunnel {
  id: string;
  slot: string;
  mode: string;
  status: string;
  /** Why it was cancelled or paused, when it was. */
  reason: string | null;
  /** Readers the fan-out queued (the audience of the slot). */
  due: number;
  sent: number;
  failed: number;
  bounced: number;
  unknown: number;
  skipped: number;
  /** Queued and not final yet. */
  pending: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Slot time to done, in seconds; null while not done. */
  lagSec: number | null;
}


/** Pure: merge an edition and its ledger report. */
export function toFunnel(edition: Edition, report: EditionReport): EditionFunnel {
  const finishedAt = edition.statusAt.done ?? report.finishedAt ?? null;
  return {
    id: edition.id,
    slot: edition.slot,
    mode: edition.mode,
    status: report.pausedReason && edition.status === 'sending' ? 'paused' : edition.status,
    reason: edition.reason ?? report.pausedReason ?? null,
    due: report.queued,
    sent: report.sent,
    failed: report.failed,
    bounced: report.bounced,
    unknown: report.unknown,
    skipped: report.skipped,
    pending: report.pending,
    createdAt: edition.createdAt,
    startedAt: report.startedAt,
    finishedAt,
    lagSec: finishedAt ? Math.max(0, Math.round((Date.parse(finishedAt) - Date.parse(edition.slot)) / 1000)) : null,
  };
}

/** Editions whose slot is at or after `sinceMs`, newest first, with their funnels. */
export async function editionFunnels(
  ports: Pick<OpsPorts, 'editions' | 'ledger'>,
  options: { sinceMs: number; limit?: number },
): Promise<EditionFunnel[]> {
  const editions = (await ports.editions.list({ limit: options.limit ?? 200 })).filter((e) => Date.parse(e.slot) >= options.sinceMs);
  return Promise.all(editions.map(async (e) => toFunnel(e, await ports.ledger.report(e.id))));
}

export async function editionFunnel(ports: Pick<OpsPorts, 'editions' | 'ledger'>, id: string): Promise<EditionFunnel | null> {
  const edition = await ports.editions.get(id);
  return edition ? toFunnel(edition, await ports.ledger.report(id)) : null;
}


/** The funnel of one edition as label/value rows, shared by the admin page and the CLI. */
export function funnelRows(e: EditionFunnel, none = '—'): [string, string | number][] {
  return [
    ['Slot (UTC)', shortTime(e.slot)],
    ['Mode', e.mode],
    ['Status', e.status],
    ['Reason', e.reason ?? none],
    ['Readers due', e.due],
    ['Sent', e.sent],
    ['Failed', e.failed],
    ['Bounced', e.bounced],
    ['Unknown', e.unknown],
    ['Skipped', e.skipped],
    ['Pending', e.pending],
    ['Created', shortTime(e.createdAt)],
    ['Started', shortTime(e.startedAt)],
    ['Finished', shortTime(e.finishedAt)],
    ['Slot to done', duration(e.lagSec)],
  ];
}
