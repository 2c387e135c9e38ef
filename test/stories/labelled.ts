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
    sourceName: l.sourceId.toUpperCase(),
    title: l.title,
    url: l.url,
    summary: l.summary,
    publishedAt: l.publishedAt,
    fetchedAt: '2026-03-10T23:00:00.000Z',
    section: 'markets',
  };
}

export function evaluate(set: Labelled[], t?: ClusterThresholds) {
  const { groups } = clusterStories([], set.map(asStory), t);
  const groupOf = new Map<string, string>();
  for (const g of groups) for (const m of g.members) groupOf.set(m.id, g.id);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const wrong: string[] = [];
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      const a = set[i]!;
      const b = set[j]!;
      const same = a.label === b.label;
      const together = groupOf.get(a.id) === groupOf.get(b.id);
      if (same && together) tp++;
      else if (!same && together) (fp++, wrong.push(`FP ${a.title} | ${b.title}`));
      else if (same && !together) (fn++, wrong.push(`FN ${a.title} | ${b.title}`));
    }
  }
  return { precision: tp / (tp + fp || 1), recall: tp / (tp + fn || 1), tp, fp, fn, wrong, clusters: groups.length };
}
