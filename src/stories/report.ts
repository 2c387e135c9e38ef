// What an ingest run reports, and what operators see per source.
import { z } from 'zod';

export const SourceHealthSchema = z.object({
  sourceId: z.string(),
  ok: z.boolean(),
  checkedAt: z.iso.datetime(),
  lastSuccessAt: z.iso.datetime().nullable(),
  lastErrorAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  consecutiveFailures: z.number().int().min(0),
  itemsLastTime: z.number().int().min(0),
});
export type SourceHealth = z.infer<typeof SourceHealthSchema>;

export const SourceResultSchema = z.object({
  sourceId: z.string(),
  name: z.string(),
  /** ok: fetched and parsed; not-modified: 304; unhealthy: see error. */
  status: z.enum(['ok', 'not-modified', 'unhealthy']),
  items: z.number().int().min(0),
  newStories: z.number().int().min(0),
  ms: z.number().min(0),
  error: z.string().optional(),
});
export type SourceResult = z.infer<typeof SourceResultSchema>;

export const IngestReportSchema = z.object({
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  sources: z.array(SourceResultSchema),
  market: z.object({
    provider: z.string(),
    quotes: z.number().int(),
    fresh: z.number().int(),
    stale: z.number().int(),
    missing: z.number().int(),
    errors: z.array(z.string()),
  }),
  clusters: z.object({ changed: z.number().int(), newStories: z.number().int() }),
});
export type IngestReport = z.infer<typeof IngestReportSchema>;

/** What the ingest job returns (kept small: it is stored with the job). */
export function summariseReport(r: IngestReport) {
  return {
    ok: r.sources.filter((s) => s.status !== 'unhealthy').length,
    unhealthy: r.sources.filter((s) => s.status === 'unhealthy').map((s) => s.sourceId),
    newStories: r.clusters.newStories,
    changedClusters: r.clusters.changed,
    quotes: { fresh: r.market.fresh, stale: r.market.stale, missing: r.market.missing },
    ms: Date.parse(r.finishedAt) - Date.parse(r.startedAt),
  };
}
export type IngestSummary = ReturnType<typeof summariseReport>;

/** Health after one attempt, from the previous record. */
export function nextHealth(prev: SourceHealth | undefined, sourceId: string, at: Date, outcome: { ok: true; items: number } | { ok: false; error: string }): SourceHealth {
  const iso = at.toISOString();
  if (outcome.ok) {
    return {
      sourceId,
      ok: true,
      checkedAt: iso,
      lastSuccessAt: iso,
      lastErrorAt: prev?.lastErrorAt ?? null,
      lastError: prev?.lastError ?? null,
      consecutiveFailures: 0,
      itemsLastTime: outcome.items,
    };
  }
  return {
    sourceId,
    ok: false,
    checkedAt: iso,
    lastSuccessAt: prev?.lastSuccessAt ?? null,
    lastErrorAt: iso,
    lastError: outcome.error,
    consecutiveFailures: (prev?.consecutiveFailures ?? 0) + 1,
    itemsLastTime: prev?.itemsLastTime ?? 0,
  };
}
