// Prometheus metrics. Every number is read from Redis at scrape time, so any api
// instance answers the same and nothing depends on which process did the work.
// One Registry per app (tests build several apps in one process).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ALL_QUEUES } from '../queues/names.js';
import { EditionModeSchema } from '../editions/model.js';
import { editionFunnels } from './edition-funnel.js';
import { countByRole } from './heartbeat.js';
import { OUTCOMES } from '../delivery/message-totals.js';
import { DAILY_COUNTERS } from '../subscribers/service.js';
import { QUEUE_STATES, marketSummary, queueCounts, sourceRows } from './overview.js';
import type { OpsPorts } from './ports.js';

/** Completed jobs per queue the duration figures are taken from. */
const DURATION_SAMPLE = 100;
/** Editions looked at for status counts, lag and "not done yet". */
const EDITION_WINDOW_MS = 2 * 86_400_000;

export interface Metrics {
  registry: Registry;
  contentType: string;
  /** Read Redis, update every gauge, return the exposition text. Concurrent calls share one read. */
  render(): Promise<string>;
}

/** Pure: nearest-rank quantile of sorted numbers. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function createMetrics(ports: OpsPorts, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'digest_' });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });

  const jobs = gauge('digest_queue_jobs', 'Jobs per queue and state', ['queue', 'state']);
  const duration = gauge('digest_job_duration_seconds', `Processing time of the last ${DURATION_SAMPLE} completed jobs per queue`, ['queue', 'stat']);
  const messages = counter('digest_messages_total', 'Digest messages by final outcome (send ledger)', ['outcome']);
  const events = counter('digest_subscriber_events_total', 'Signups, confirmations and unsubscribes today (UTC; resets at midnight)', ['event']);
  const subscribers = gauge('digest_subscribers', 'Subscribers by status', ['status']);
  const suppressed = gauge('digest_suppressed_addresses', 'Addresses that must never be mailed again');
  const outbox = gauge('digest_confirm_outbox_entries', 'Confirmations stored by the api, not yet system-mail jobs (drained by the worker serving system-mail)');
  const outboxAge = gauge('digest_confirm_outbox_oldest_age_seconds', 'Age of the oldest confirmation waiting in the outbox; 0 when empty');
  const sourceUp = gauge('digest_source_up', '0 when the last fetch of a source failed, else 1 (also before its first fetch)', ['source']);
  const sourceFailures = gauge('digest_source_consecutive_failures', 'Failed fetches in a row per source', ['source']);
  const sourceSuccess = gauge('digest_source_last_success_timestamp_seconds', 'Last successful fetch per source (0 = never)', ['source']);
  const sourceItems = gauge('digest_source_items', 'Items in the last successful fetch per source', ['source']);
  const marketAt = gauge('digest_market_snapshot_timestamp_seconds', 'When the stored market snapshot was fetched (0 = none)');
  const quotes = gauge('digest_market_quotes', 'Quotes in the market snapshot by state', ['state']);
  const editions = gauge('digest_editions', 'Editions of the last 2 days by status', ['status']);
  const lag = gauge('digest_edition_lag_seconds', 'Slot time to done of the latest finished edition', ['mode']);
  const unfinished = gauge('digest_edition_unfinished_age_seconds', 'Age (since its slot) of the oldest edition not done or cancelled; 0 when none');
  const alive = gauge('digest_instances_alive', 'Processes with a live heartbeat, by role', ['role']);
  const sendRate = gauge('digest_send_rate_per_second', 'The adaptive send rate shared by every worker: SEND_RATE_PER_SEC until a relay throttles, then halved per throttle and raised again on success (absent until a worker has sent)');
  const memoryFull = gauge('digest_redis_memory_full', '1 while Redis is at maxmemory (noeviction: writes refused, signups 503, sending paused until memory frees)');
  const memoryUsed = gauge('digest_redis_used_memory_bytes', 'Redis used_memory (the fullest master of a cluster)');
  const memoryMax = gauge('digest_redis_maxmemory_bytes', 'Redis maxmemory (0 = no limit)');
  const lastTick = gauge('digest_scheduler_last_tick_timestamp_seconds', 'Last scheduler tick (0 = never)');

  async function durations() {
    return Promise.all(
      ALL_QUEUES.map(async (queue) => {
        const done = await ports.queues[queue].getJobs(['completed'], 0, DURATION_SAMPLE - 1, false);
        const secs = done
          .filter((j) => j.processedOn && j.finishedOn)
          .map((j) => (j.finishedOn! - j.processedOn!) / 1000)
          .sort((a, b) => a - b);
        return { queue, secs };
      }),
    );
  }

  async function collect(): Promise<void> {
    const now = new Date();
    const [counts, durs, totals, daily, byStatus, suppressedCount, sources, market, funnels, instances, tick, outboxState] = await Promise.all([
      queueCounts(ports.queues),
      durations(),
      ports.ledger.totals(now.getTime()),
      ports.subscribers.dailyCounts([now.toISOString().slice(0, 10)]),
      ports.subscribers.countsByStatus(),
      ports.subscribers.suppressionCount(),
      sourceRows(ports),
      marketSummary(ports, now),
      editionFunnels(ports, { sinceMs: now.getTime() - EDITION_WINDOW_MS }),
      ports.heartbeats.alive(),
      ports.schedule.lastTick(),
      ports.outbox.stats(),
    ]);
    const [memory, rate] = await Promise.all([ports.redisMemory(), ports.sendRate()]);
    sendRate.reset();
    if (rate !== null) sendRate.set(rate);
    memoryFull.set(memory.full ? 1 : 0);
    memoryUsed.set(memory.usedBytes);
    memoryMax.set(memory.maxBytes);

    for (const g of [jobs, duration, subscribers, sourceUp, sourceFailures, sourceSuccess, sourceItems, marketAt, quotes, editions, lag, unfinished, alive]) g.reset();
    messages.reset();
    events.reset();

    for (const q of ALL_QUEUES) for (const s of QUEUE_STATES) jobs.set({ queue: q, state: s }, counts[q][s] ?? 0);
    for (const { queue, secs } of durs) {
      if (secs.length === 0) continue;
      duration.set({ queue, stat: 'p50' }, quantile(secs, 0.5));
      duration.set({ queue, stat: 'p95' }, quantile(secs, 0.95));
      duration.set({ queue, stat: 'max' }, secs[secs.length - 1]!);
    }
    for (const o of OUTCOMES) messages.inc({ outcome: o }, totals[o]);
    for (const name of DAILY_COUNTERS) events.inc({ event: name }, daily[0]?.counts[name] ?? 0);
    for (const [status, n] of Object.entries(byStatus)) subscribers.set({ status }, n);
    suppressed.set(suppressedCount);
    outbox.set(outboxState.length);
    outboxAge.set(outboxState.oldestAt === null ? 0 : Math.max(0, (now.getTime() - outboxState.oldestAt) / 1000));
    for (const s of sources) {
      sourceUp.set({ source: s.id }, s.ok === false ? 0 : 1);
      sourceFailures.set({ source: s.id }, s.failuresInARow);
      sourceSuccess.set({ source: s.id }, s.lastSuccessAt ? Date.parse(s.lastSuccessAt) / 1000 : 0);
      sourceItems.set({ source: s.id }, s.items);
    }
    marketAt.set(market.fetchedAt ? Date.parse(market.fetchedAt) / 1000 : 0);
    quotes.set({ state: 'fresh' }, market.fresh);
    quotes.set({ state: 'stale' }, market.stale);
    quotes.set({ state: 'missing' }, market.missing);
    const statusCounts: Record<string, number> = { building: 0, ready: 0, sending: 0, paused: 0, done: 0, cancelled: 0 };
    for (const f of funnels) statusCounts[f.status] = (statusCounts[f.status] ?? 0) + 1;
    for (const [status, n] of Object.entries(statusCounts)) editions.set({ status }, n);
    // funnels are newest first: the first done one per mode is the latest.
    for (const mode of EditionModeSchema.options) {
      const latest = funnels.find((f) => f.mode === mode && f.lagSec !== null);
      if (latest) lag.set({ mode }, latest.lagSec!);
    }
    const open = funnels.filter((f) => f.status !== 'done' && f.status !== 'cancelled').map((f) => Date.parse(f.slot));
    unfinished.set(open.length ? Math.max(0, (now.getTime() - Math.min(...open)) / 1000) : 0);
    const roles = countByRole(instances);
    for (const role of new Set(['worker', 'scheduler', ...Object.keys(roles)])) alive.set({ role }, roles[role] ?? 0);
    lastTick.set(tick === null ? 0 : tick / 1000);
  }

  let inFlight: Promise<string> | undefined;
  return {
    registry,
    contentType: registry.contentType,
    render() {
      inFlight ??= collect()
        .then(() => registry.metrics())
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}
