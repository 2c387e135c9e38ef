// Choosing what goes into an edition: pure, so the rules are tested with plain lists.
import type { Cluster } from '../stories/model.js';
import type { Section } from '../stories/sources-schema.js';

export interface PickOptions {
  sections: readonly Section[];
  /** Cap per section; keeps the HTML well under Gmail's ~102 KB clip. */
  perSection: number;
}

/**
 * Best-first clusters, at most `perSection` per section, each cluster and each
 * lead URL once (the pool should not repeat, but an edition must never show a story twice).
 */
export function pickClusters(ranked: readonly Cluster[], options: PickOptions): Cluster[] {
  const seenIds = new Set<string>();
  const seenUrls = new Set<string>();
  const counts = new Map<Section, number>();
  const picked: Cluster[] = [];
  for (const cluster of ranked) {
    if (!options.sections.includes(cluster.section)) continue;
    const count = counts.get(cluster.section) ?? 0;
    if (count >= options.perSection) continue;
    if (seenIds.has(cluster.id) || seenUrls.has(cluster.lead.url)) continue;
    seenIds.add(cluster.id);
    seenUrls.add(cluster.lead.url);
    counts.set(cluster.section, count + 1);
    picked.push(cluster);
  }
  return picked;
}

/** The clusters of one section, in edition order, at most `limit`. */
export function sectionClusters(clusters: readonly Cluster[], section: Section, limit = Infinity): Cluster[] {
  return clusters.filter((c) => c.section === section).slice(0, limit);
}

/**
 * The skip rule: does this edition (or variant) show anything the reader has not
 * been sent before? `previous` is the story ids of the reader's previous edition,
 * or null when there was none. The caller decides whether skipping is enabled
 * (SKIP_EMPTY_EDITIONS).
 */
export function hasNewStoriesSince(
  current: { storyIds: readonly string[] } | { clusters: readonly Pick<Cluster, 'id'>[] },
  previous: Iterable<string> | null,
): boolean {
  const ids = 'storyIds' in current ? current.storyIds : current.clusters.map((c) => c.id);
  if (ids.length === 0) return false;
  if (previous === null) return true;
  const seen = new Set(previous);
  return ids.some((id) => !seen.has(id));
}
