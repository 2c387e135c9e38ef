// The labelled clustering set: same-day headlines, each tagged with the event it reports.
// Pairwise precision/recall: of the pairs we put together, how many belong together; of
// the pairs that belong together, how many we found.
import { clusterStories, type ClusterThresholds } from '../../src/stories/cluster.js';
import type { Story } from '../../src/stories/model.js';
import { fixture } from './server.js';

export interface Labelled {
  id: string;
  label: string;
  sourceId: string;
  sourceName?: string;
  title: string;
  summary: string;
  publishedAt: string;
  url: string;
}

export function labelledSet(): Labelled[] {
  return JSON.parse(fixture('feeds/labelled.json').toString('utf8')) as Labelled[];
}

export function asStory(l: Labelled): Story {
  return {
    id: l.id,
    sourceId: l.sourceId,
    sourceName: l.sourceName ?? l.sourceId.toUpperCase(),
    title: l.title,
    url: l.url,
    summary: l.summary,
    publishedAt: l.publishedAt,
    fetchedAt: '2026-03-10T23:00:00.000Z',
    section: 'markets',
  };
}

/** Pairwise scores of a grouping (story id → group id) against the labels, overall and across sources. */
export function score(set: Labelled[], groupOf: ReadonlyMap<string, string>) {
  const all = { tp: 0, fp: 0, fn: 0 };
  const cross = { tp: 0, fp: 0, fn: 0 };
  const wrong: string[] = [];
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      const a = set[i]!;
      const b = set[j]!;
      const same = a.label === b.label;
      const together = groupOf.get(a.id) === groupOf.get(b.id);
      if (!same && !together) continue;
      const kind = same && together ? 'tp' : together ? 'fp' : 'fn';
      all[kind]++;
      if (a.sourceId !== b.sourceId) cross[kind]++;
      if (kind !== 'tp') wrong.push(`${kind.toUpperCase()} ${a.title} | ${b.title}`);
    }
  }
  const pr = (c: typeof all) => ({ ...c, precision: c.tp / (c.tp + c.fp || 1), recall: c.tp / (c.tp + c.fn || 1) });
  const overall = pr(all);
  return { ...overall, f1: (2 * overall.precision * overall.recall) / (overall.precision + overall.recall || 1), cross: pr(cross), wrong, clusters: new Set(groupOf.values()).size };
}

export function groupIds(groups: { id: string; members: { id: string }[] }[]): Map<string, string> {
  const groupOf = new Map<string, string>();
  for (const g of groups) for (const m of g.members) groupOf.set(m.id, g.id);
  return groupOf;
}

export function evaluate(set: Labelled[], t?: ClusterThresholds) {
  return score(set, groupIds(clusterStories([], set.map(asStory), t).groups));
}
