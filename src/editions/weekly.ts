// The weekly edition's rules, pure: the best of the past seven days, ranked by how
// widely a story was covered rather than how recent it is, without what the same
// readers' previous weekly edition already showed.
import type { Cluster } from '../stories/model.js';
import { editionIdForSlot } from './model.js';

export const WEEK_HOURS = 7 * 24;

/** Sources that covered a cluster: its lead and the others. */
const coverage = (c: Cluster) => 1 + c.alsoCoveredBy.length;

/** Coverage first, then the pool's own score (weight, home boost, recency) as the tie-break. */
export function rankForWeek(clusters: readonly Cluster[]): Cluster[] {
  return [...clusters].sort((a, b) => coverage(b) - coverage(a) || b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Ids of the weekly editions a week before `slot` whose readers are this slot's: the
 * same UTC instant, or an hour (or half an hour, Lord Howe) either side when a
 * daylight-saving change happened during the week.
 */
export function previousWeeklyIds(slot: Date): string[] {
  const weekAgo = slot.getTime() - WEEK_HOURS * 3_600_000;
  return [0, -60, 60, -30, 30].map((m) => editionIdForSlot(new Date(weekAgo + m * 60_000), 'weekly'));
}

/** Drop what the previous weekly edition showed (by cluster, and by lead link). */
export function withoutPrevious(clusters: readonly Cluster[], previous: readonly Cluster[]): Cluster[] {
  const ids = new Set(previous.map((c) => c.id));
  const urls = new Set(previous.map((c) => c.lead.url));
  return clusters.filter((c) => !ids.has(c.id) && !urls.has(c.lead.url));
}
