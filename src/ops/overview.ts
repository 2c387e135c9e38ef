// Everything the /admin overview shows, gathered in one pass. Kept apart from
// the page so the CLI and tests can read the same numbers.
import type { JobType } from 'bullmq';
import { ALL_QUEUES, type QueueName } from '../queues/names.js';
import type { SubscriberStatus } from '../subscribers/model.js';
import type { CancelledSlot } from '../delivery/schedule.js';
import type { DailyCounts } from '../subscribers/service.js';
import { editionFunnels, type EditionFunnel } from './edition-funnel.js';
import { countByRole, type AliveInstance } from './heartbeat.js';
import type { OpsPorts } from './ports.js';

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const satisfies readonly JobType[];
export type QueueCounts = Record<QueueName, Record<(typeof QUEUE_STATES)[number], number>>;


export interface SourceRow {
  id: string;
  name: string;
  ok: boolean | null;
  checkedAt: string | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  failuresInARow: number;
  items: number;
}

export interface MarketSummary {
  fetchedAt: string | null;
  ageSec: number | null;
  fresh: number;
  stale: number;
  missing: number;
}

export interface Overview {
  generatedAt: string;
  editions: EditionFunnel[];
  cancelled: CancelledSlot[];
  sources: SourceRow[];
  market: MarketSummary;
  subscribers: Record<SubscriberStatus, number>;
  suppressed: number;
  daily: DailyCounts[];
  queues: QueueCounts;
  alive: AliveInstance[];
  warnings: string[];
}

export async function queueCounts(queues: OpsPorts['queues']): Promise<QueueCounts> {
  const entries = await Promise.all(ALL_QUEUES.map(async (name) => [name, await queues[name].getJobCounts(...QUEUE_STATES)] as const));
  return Object.fromEntries(entries) as QueueCounts;
}

/** `YYYY-MM-DD` (UTC) of `days` days before `now`, newest first. */
export function lastDays(now: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
}


export async function sourceRows(ports: Pick<OpsPorts, 'stories' | 'sources'>): Promise<SourceRow[]> {
  const health = await ports.stories.getSourceHealth();
  const names = new Map(ports.sources.map((s) => [s.id, s.name]));
  const ids = [...new Set([...ports.sources.map((s) => s.id), ...Object.keys(health)])];
  return ids
    .map((id) => {
      const h = health[id];
      return {
        id,
        name: names.get(id) ?? id,
        ok: h ? h.ok : null,
        checkedAt: h?.checkedAt ?? null,
        lastSuccessAt: h?.lastSuccessAt ?? null,
        lastErrorAt: h?.lastErrorAt ?? null,
        lastError: h?.lastError ?? null,
        failuresInARow: h?.consecutiveFailures ?? 0,
        items: h?.itemsLastTime ?? 0,
      };
    })
    .sort((a, b) => Number(a.ok !== false) - Number(b.ok !== false) || a.name.localeCompare(b.name));
}

export async function marketSummary(ports: Pick<OpsPorts, 'stories'>, now: Date): Promise<MarketSummary> {
  const snap = await ports.stories.getMarketSnapshot();
  const count = (state: string) => snap?.quotes.filter((q) => q.state === state).length ?? 0;
  return {
    fetchedAt: snap?.fetchedAt ?? null,
    ageSec: snap ? Math.max(0, Math.round((now.getTime() - Date.parse(snap.fetchedAt)) / 1000)) : null,
    fresh: count('fresh'),
    stale: count('stale'),
    missing: count('missing'),
  };
}

/** The heartbeat role of the processes that run jobs (every queue today). */
export const WORKER_ROLE = 'worker';

/** Pure: the things an operator must look at now. */
export function warningsFor(queues: QueueCounts, alive: readonly AliveInstance[]): string[] {
  const roles = countByRole(alive);
  const out: string[] = [];
  for (const name of ALL_QUEUES) {
    const c = queues[name];
    const waiting = (c.waiting ?? 0) + (c.prioritized ?? 0);
    if (waiting > 0 && !roles[WORKER_ROLE]) out.push(`${name}: ${waiting} job(s) waiting but no worker alive`);
  }
  return out;
}

export interface OverviewOptions {
  now?: Date;
  /** Editions and cancelled slots of this many days (default 3). */
  editionDays?: number;
  /** Signup/confirmation history (default 7 days). */
  counterDays?: number;
}

export async function gatherOverview(ports: OpsPorts, options: OverviewOptions = {}): Promise<Overview> {
  const now = options.now ?? new Date();
  const sinceMs = now.getTime() - (options.editionDays ?? 3) * 86_400_000;
  const [editions, cancelled, sources, market, subscribers, suppressed, daily, queues, alive] = await Promise.all([
    editionFunnels(ports, { sinceMs }),
    ports.schedule.cancelledSlots(sinceMs),
    sourceRows(ports),
    marketSummary(ports, now),
    ports.subscribers.countsByStatus(),
    ports.subscribers.suppressionCount(),
    ports.subscribers.dailyCounts(lastDays(now, options.counterDays ?? 7)),
    queueCounts(ports.queues),
    ports.heartbeats.alive(),
  ]);
  return {
    generatedAt: now.toISOString(),
    editions,
    cancelled,
    sources,
    market,
    subscribers,
    suppressed,
    daily,
    queues,
    alive,
    warnings: warningsFor(queues, alive),
  };
}
