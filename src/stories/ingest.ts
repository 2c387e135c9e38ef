// One ingest run: every enabled source (bounded concurrency), clustering with what
// the pool already holds, the market snapshot, and a health record per source.
// A bad source is recorded and skipped; it never fails the run.
import { clusterStories, DEFAULT_THRESHOLDS, type ClusterThresholds } from './cluster.js';
import { readFeed, type FeedFetchOptions } from './feed-source.js';
import { mapLimit } from './limit.js';
import { createFredProvider } from './market/fred.js';
import { buildSnapshot } from './market/snapshot.js';
import { createYahooProvider } from './market/yahoo.js';
import type { Story } from './model.js';
import type { StoryPool } from './pool.js';
import { nextHealth, type IngestReport, type SourceHealth, type SourceResult } from './report.js';
import type { SourcesFile } from './sources-schema.js';
import { stripControls } from '../controls.js';

/** Another run holds the lock; the job retries later. */
export class IngestBusyError extends Error {
  override name = 'IngestBusyError';
}

interface LogLike {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface IngestDeps {
  /** The process's story pool (built once, by the composition root). */
  pool: StoryPool;
  sources: SourcesFile;
  log?: LogLike;
  /** Fetch limits per source (timeouts, byte cap, redirects, default User-Agent). */
  fetch?: FeedFetchOptions;
  /** Sources fetched at once. Default 8. */
  concurrency?: number;
  thresholds?: ClusterThresholds;
}

export interface IngestOptions {
  now?: Date;
  /** `sources check`: ignore validators (always a full GET) and store no stories. */
  checkOnly?: boolean;
}

const LOCK_MS = 10 * 60_000;

export async function runIngest(deps: IngestDeps, opts: IngestOptions = {}): Promise<IngestReport> {
  const { pool } = deps;
  const lock = opts.checkOnly ? 'none' : await pool.acquireIngestLock(LOCK_MS);
  if (lock === null) throw new IngestBusyError('another ingest run is in progress');
  try {
    return await ingestLocked(deps, opts, pool);
  } finally {
    if (lock !== 'none') await pool.releaseIngestLock(lock);
  }
}

async function ingestLocked(deps: IngestDeps, opts: IngestOptions, pool: StoryPool): Promise<IngestReport> {
  const startedAt = new Date();
  const now = opts.now ?? startedAt;
  const feeds = deps.sources.feeds.filter((f) => f.enabled);
  const health = await pool.getSourceHealth();
  const healthOut: SourceHealth[] = [];
  const stories: Story[] = [];

  const results = await mapLimit(feeds, deps.concurrency ?? 8, async (source): Promise<SourceResult> => {
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    try {
      const validators = opts.checkOnly ? {} : await pool.getValidators(source.id);
      const out = await readFeed(source, validators, now, { ...deps.fetch, topics: deps.sources.topics });
      if (out.status === 'not-modified') {
        const items = health[source.id]?.itemsLastTime ?? 0;
        healthOut.push(nextHealth(health[source.id], source.id, now, { ok: true, items }));
        return { sourceId: source.id, name: source.name, status: 'not-modified', items, newStories: 0, ms: ms() };
      }
      if (!opts.checkOnly) {
        stories.push(...(await withFirstSeen(pool, source.id, out.stories, now)));
        await pool.setValidators(source.id, out.validators);
      }
      healthOut.push(nextHealth(health[source.id], source.id, now, { ok: true, items: out.stories.length }));
      return { sourceId: source.id, name: source.name, status: 'ok', items: out.stories.length, newStories: 0, ms: ms() };
    } catch (err) {
      // The message may carry the server's text (a header, a parser's quote): stored and shown without controls.
      const error = stripControls((err as Error).message || String(err));
      const record = nextHealth(health[source.id], source.id, now, { ok: false, error });
      healthOut.push(record);
      deps.log?.warn({ event: 'source.unhealthy', sourceId: source.id, error, consecutiveFailures: record.consecutiveFailures }, 'source unhealthy');
      return { sourceId: source.id, name: source.name, status: 'unhealthy', items: 0, newStories: 0, ms: ms(), error };
    }
  });

  let changed = 0;
  let newStories = 0;
  if (!opts.checkOnly && stories.length) {
    const t = deps.thresholds ?? DEFAULT_THRESHOLDS;
    const existing = await pool.loadGroups(new Date(now.getTime() - 2 * t.windowHours * 3_600_000));
    const clustered = clusterStories(existing, stories, t);
    const ranking = {
      weights: Object.fromEntries(deps.sources.feeds.map((f) => [f.id, f.weight])),
      home: deps.sources.feeds.filter((f) => f.home).map((f) => f.id),
      homeBoost: deps.sources.ranking.homeBoost,
    };
    const dirty = clustered.groups.filter((g) => clustered.changed.has(g.id)).map((g) => ({ ...g, ...ranking }));
    await pool.saveClusters(dirty, now);
    await pool.removeClusters(clustered.removed);
    changed = dirty.length;
    newStories = clustered.added;
    const known = new Set(existing.flatMap((g) => g.members.map((m) => m.id)));
    const perSource = new Map<string, number>();
    for (const s of stories) if (!known.has(s.id)) perSource.set(s.sourceId, (perSource.get(s.sourceId) ?? 0) + 1);
    for (const r of results) r.newStories = perSource.get(r.sourceId) ?? 0;
  }

  const market = await refreshMarket(deps, pool, now, opts.checkOnly ?? false, health, healthOut);
  await pool.setSourceHealth(healthOut);
  const report: IngestReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    sources: results,
    market,
    clusters: { changed, newStories },
  };
  deps.log?.info(
    { event: 'ingest.done', sources: results.length, unhealthy: results.filter((r) => r.status === 'unhealthy').length, newStories, changed },
    'ingest run finished',
  );
  return report;
}

/** Undated stories take the time they were first seen (stored once), never this fetch's. */
async function withFirstSeen(pool: StoryPool, sourceId: string, stories: Story[], now: Date): Promise<Story[]> {
  const undated = stories.filter((s) => s.dateSource === 'first-seen');
  if (undated.length === 0) return stories;
  const seen = await pool.firstSeen(sourceId, undated.map((s) => s.id), now);
  return stories.map((s) => (s.dateSource === 'first-seen' ? { ...s, publishedAt: (seen.get(s.id) ?? now).toISOString() } : s));
}

async function refreshMarket(
  deps: IngestDeps,
  pool: StoryPool,
  now: Date,
  checkOnly: boolean,
  health: Record<string, SourceHealth>,
  healthOut: SourceHealth[],
): Promise<IngestReport['market']> {
  const m = deps.sources.market;
  const empty = { provider: m.provider, quotes: 0, fresh: 0, stale: 0, missing: 0, errors: [] as string[] };
  if (m.symbols.length === 0) return empty;
  const fetchOpts = { allowPrivate: m.allowPrivate, ...(deps.fetch?.connectTimeoutMs ? { connectTimeoutMs: deps.fetch.connectTimeoutMs } : {}), ...(deps.fetch?.totalTimeoutMs ? { totalTimeoutMs: deps.fetch.totalTimeoutMs } : {}) };
  const { snapshot, errors } = await buildSnapshot(
    m.symbols,
    {
      primary: createYahooProvider(m.baseUrl, fetchOpts),
      ...(m.fallback ? { fallback: createFredProvider(m.fallback.baseUrl, fetchOpts) } : {}),
      previous: await pool.getMarketSnapshot(),
    },
    now,
  );
  if (!checkOnly) await pool.saveMarketSnapshot(snapshot);
  const count = (s: string) => snapshot.quotes.filter((q) => q.state === s).length;
  const id = `market-${m.provider}`;
  const primaryErrors = errors.filter((e) => e.startsWith(`${m.provider} `));
  healthOut.push(
    primaryErrors.length === 0
      ? nextHealth(health[id], id, now, { ok: true, items: snapshot.quotes.length })
      : nextHealth(health[id], id, now, { ok: false, error: `${primaryErrors.length}/${m.symbols.length} symbols failed; first: ${primaryErrors[0]}` }),
  );
  if (primaryErrors.length) deps.log?.warn({ event: 'market.degraded', errors: errors.slice(0, 5), failed: primaryErrors.length }, 'market provider errors');
  return { provider: m.provider, quotes: snapshot.quotes.length, fresh: count('fresh'), stale: count('stale'), missing: count('missing'), errors };
}
