// Fan-out: walk the readers due for an edition with a keyset cursor, in pages, and add
// one send job per SEND_PAGE_SIZE readers with a deterministic id. Memory is one page;
// the cursor is saved after each page, so a crashed fan-out resumes where it stopped.
import type { RedisClient } from '../redis.js';
import type { JobsOptions } from 'bullmq';
import type { Logger } from '../log.js';
import { jobId, type SendJob } from '../queues/jobs.js';
import { slotMembers } from '../editions/slots.js';
import type { Ledger } from './ledger.js';
import type { SubscriberPort, EditionPort } from './ports.js';

export interface FanoutDeps {
  redis: RedisClient;
  keys: { editionCursor(editionId: string): string };
  ledger: Ledger;
  subscribers: Pick<SubscriberPort, 'pageConfirmed' | 'pageSlot' | 'pageWeeklySlot' | 'slotsInUse'>;
  editions: Pick<EditionPort, 'setStatus'>;
  sendQueue: { addBulk(jobs: { name: string; data: SendJob; opts?: JobsOptions }[]): Promise<unknown> };
  log: Logger;
  /** Readers read per page (default 1000). */
  pageSize?: number;
  /** Readers per send job (SEND_PAGE_SIZE, default 100). */
  sendPageSize?: number;
}

/** A segment of the edition's audience, walked in id order. */
interface Segment {
  key: string;
  page(after: string | null, limit: number): Promise<string[]>;
}

interface Cursor {
  segment: string;
  after: string | null;
}

/** A page's send job, named after its first reader: a re-run fan-out adds the same jobs. */
export function sendJobId(editionId: string, firstSubscriberId: string): string {
  return jobId('send', editionId, 'page', firstSubscriberId);
}

async function segmentsFor(deps: FanoutDeps, slot: string, mode: string): Promise<Segment[]> {
  if (mode === 'now') return [{ key: 'confirmed', page: (after, n) => deps.subscribers.pageConfirmed(after, n) }];
  // Daily and weekly readers live in separate indexes: each edition pages only its own.
  const weekly = mode === 'weekly';
  const pairs = slotMembers(new Date(slot), await deps.subscribers.slotsInUse()).filter((p) => (p.weekday !== undefined) === weekly);
  return pairs
    .map((p) => ({
      key: `${p.timezone}|${p.hour}${weekly ? `|${p.weekday}` : ''}`,
      page: (after: string | null, n: number) =>
        p.weekday === undefined ? deps.subscribers.pageSlot(p.timezone, p.hour, after, n) : deps.subscribers.pageWeeklySlot(p.timezone, p.hour, p.weekday, after, n),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export async function runFanout(deps: FanoutDeps, editionId: string): Promise<{ queued: number; pages: number }> {
  const pageSize = deps.pageSize ?? 1000;
  const sendPageSize = deps.sendPageSize ?? 100;
  const meta = await deps.ledger.meta(editionId);
  if (!meta) throw new Error(`edition ${editionId} has no delivery record (the edition job records it)`);
  // false when already `sending`: this is a resumed fan-out.
  await deps.editions.setStatus(editionId, 'ready', 'sending');

  const cursorKey = deps.keys.editionCursor(editionId);
  const saved = await deps.redis.get(cursorKey);
  const cursor: Cursor | null = saved ? (JSON.parse(saved) as Cursor) : null;
  let queued = 0;
  let pages = 0;
  for (const segment of await segmentsFor(deps, meta.slot, meta.mode)) {
    if (cursor && segment.key < cursor.segment) continue;
    let after = cursor && segment.key === cursor.segment ? cursor.after : null;
    for (;;) {
      const ids = await segment.page(after, pageSize);
      if (ids.length === 0) break;
      // Ledger first: a crash before addBulk leaves entries queued, and the re-run adds the jobs (same ids).
      queued += await deps.ledger.markQueued(editionId, ids);
      const jobs = [];
      for (let i = 0; i < ids.length; i += sendPageSize) {
        const subscriberIds = ids.slice(i, i + sendPageSize);
        jobs.push({ name: 'send', data: { editionId, subscriberIds }, opts: { jobId: sendJobId(editionId, subscriberIds[0]!) } });
      }
      await deps.sendQueue.addBulk(jobs);
      after = ids[ids.length - 1]!;
      await deps.redis.set(cursorKey, JSON.stringify({ segment: segment.key, after } satisfies Cursor), 'EX', 7 * 86_400);
      pages += 1;
      if (ids.length < pageSize) break;
    }
  }
  const finished = await deps.ledger.fanoutDone(editionId);
  if (finished) await deps.editions.setStatus(editionId, 'sending', 'done');
  deps.log.info({ event: 'edition.fanout.done', editionId, queued, pages }, 'fan-out done');
  return { queued, pages };
}
