// The clustering rows of the ingest bench: quality on the labelled three-day set
// (project vs a tuned TF-IDF cosine baseline, same run) and time per 1,000 stories.
import { loadavg } from 'node:os';
import { clusterStories } from '../../src/stories/cluster.js';
import type { Story } from '../../src/stories/model.js';
import { clusteringReport, reportTable } from '../../test/stories/eval-report.js';
import { evalSet } from '../../test/stories/eval-set.js';
import { asStory } from '../../test/stories/labelled.js';

/**
 * `copies` of the whole evaluation set, each shifted 8 hours later with its own ids and
 * URLs: a pool that keeps the set's mix of events, templates and boilerplate at scale.
 */
function scaledPool(copies: number): Story[] {
  const base = evalSet().map(asStory);
  return Array.from({ length: copies }, (_, c) =>
    base.map((s) => ({
      ...s,
      id: `${s.id}-${c}`,
      url: `${s.url}-${c}`,
      publishedAt: new Date(Date.parse(s.publishedAt) + c * 8 * 3_600_000).toISOString(),
    })),
  ).flat();
}

function medianMs(run: () => void, times: number): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

export function clusteringBench(copies: number) {
  const quality = clusteringReport();
  const pool = scaledPool(copies);
  const ms = medianMs(() => clusterStories([], pool), 3);
  // A second run joining the last copy to groups already built: what a 15-minute ingest does.
  const split = pool.length - pool.length / copies;
  const existing = clusterStories([], pool.slice(0, split)).groups;
  const joinMs = medianMs(() => clusterStories(existing, pool.slice(split)), 3);
  const load = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const lines = [
    ...reportTable(quality),
    '',
    `| clustering time | value |`,
    `|---|---|`,
    `| ${pool.length} stories at once (${copies} shifted copies of the set), median of 3 | ${ms.toFixed(0)} ms = ${((ms / pool.length) * 1000).toFixed(0)} ms per 1,000 |`,
    `| ${pool.length - split} new stories into ${existing.length} pool groups (${split} stories), median of 3 | ${joinMs.toFixed(0)} ms = ${((joinMs / pool.length) * 1000).toFixed(0)} ms per 1,000 in play |`,
    `| load average (1 / 5 / 15 min) | ${load} |`,
  ];
  const figures = {
    clusteringBaseline: quality.baseline,
    clustering: Object.fromEntries(
      quality.parts.map((p) => [p.part, { precision: p.project.precision, recall: p.project.recall, crossPrecision: p.project.cross.precision, crossRecall: p.project.cross.recall, baselineF1: p.baseline.f1, f1: p.project.f1 }]),
    ),
    clusterMsPer1000: Math.round((ms / pool.length) * 1000),
  };
  return { lines, figures };
}
