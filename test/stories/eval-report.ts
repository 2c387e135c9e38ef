// Clustering quality on the evaluation set, part by part, next to the TF-IDF
// baseline tuned on the tuning part: what the evaluation test checks and what
// `npm run bench -- ingest` prints.
import { clusterStories } from '../../src/stories/cluster.js';
import { tfidfGroups, tuneTfidf } from './baseline.js';
import { evalSet, PARTS, type Part } from './eval-set.js';
import { asStory, groupIds, score } from './labelled.js';

export type Score = ReturnType<typeof score>;

export interface PartReport {
  part: Part;
  stories: number;
  events: number;
  sources: number;
  project: Score;
  baseline: Score;
  /** Milliseconds for the project's clustering of this part. */
  ms: number;
}

export function clusteringReport(): { baseline: ReturnType<typeof tuneTfidf>; parts: PartReport[] } {
  const set = evalSet();
  const tuning = set.filter((s) => s.part === 'tuning');
  const baseline = tuneTfidf(tuning, (g) => score(tuning, g).f1);
  const parts = PARTS.map((part) => {
    const stories = set.filter((s) => s.part === part);
    const t0 = performance.now();
    const groups = clusterStories([], stories.map(asStory)).groups;
    const ms = performance.now() - t0;
    return {
      part,
      stories: stories.length,
      events: new Set(stories.map((s) => s.label)).size,
      sources: new Set(stories.map((s) => s.sourceId)).size,
      project: score(stories, groupIds(groups)),
      baseline: score(stories, tfidfGroups(stories, baseline.threshold, baseline.linkage)),
      ms,
    };
  });
  return { baseline, parts };
}

/** Markdown table rows: part, stories/events, then P / R / F1 / cross-source P / R for project and baseline. */
export function reportTable(r: ReturnType<typeof clusteringReport>): string[] {
  const f = (s: Score) => [s.precision, s.recall, s.f1, s.cross.precision, s.cross.recall].map((x) => x.toFixed(3)).join(' | ');
  return [
    `| part | stories / events / outlets | project P | R | F1 | cross-source P | cross-source R | TF-IDF (${r.baseline.linkage} link ≥ ${r.baseline.threshold.toFixed(3)}) P | R | F1 | cross-source P | cross-source R |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.parts.map((p) => `| ${p.part} | ${p.stories} / ${p.events} / ${p.sources} | ${f(p.project)} | ${f(p.baseline)} |`),
  ];
}
