// The yardstick the clustering must beat: plain TF-IDF cosine over title + summary
// (lower-cased words, a short stop list, no stemming, names or time). Each story, in
// time order, joins the group it is most similar to when the cosine reaches a
// threshold: single link (its most similar earlier story) or average link (the
// group's mean). Linkage and threshold are tuned on the tuning part, like the project's.
import type { Labelled } from './labelled.js';

const STOP = new Set('a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(' '));

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && !STOP.has(w));
}

export type Linkage = 'single' | 'average';

/** Story id → group id. */
export function tfidfGroups(set: readonly Labelled[], threshold: number, linkage: Linkage = 'single'): Map<string, string> {
  const stories = [...set].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
  const docs = stories.map((s) => words(`${s.title} ${s.summary}`));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
  const vectors = docs.map((d) => {
    const v = new Map<string, number>();
    for (const w of d) v.set(w, (v.get(w) ?? 0) + 1);
    let norm = 0;
    for (const [w, tf] of v) {
      const x = tf * Math.log(docs.length / df.get(w)!);
      v.set(w, x);
      norm += x * x;
    }
    for (const [w, x] of v) v.set(w, x / Math.sqrt(norm || 1));
    return v;
  });
  const cos = (i: number, j: number) => {
    let dot = 0;
    for (const [w, x] of vectors[i]!) dot += x * (vectors[j]!.get(w) ?? 0);
    return dot;
  };
  const groups: number[][] = [];
  const groupOf = new Map<string, string>();
  stories.forEach((s, i) => {
    let best = -1;
    let bestScore = threshold;
    groups.forEach((members, g) => {
      const sims = members.map((j) => cos(i, j));
      const sim = linkage === 'single' ? Math.max(...sims) : sims.reduce((a, b) => a + b, 0) / sims.length;
      if (sim >= bestScore) [best, bestScore] = [g, sim];
    });
    if (best < 0) groups.push([i]);
    else groups[best]!.push(i);
    groupOf.set(s.id, stories[groups[best < 0 ? groups.length - 1 : best]![0]!]!.id);
  });
  return groupOf;
}

/** The linkage and threshold (0.05 to 0.925 in steps of 0.025) with the best pairwise F1 on `set`. */
export function tuneTfidf(set: readonly Labelled[], f1: (groups: Map<string, string>) => number): { linkage: Linkage; threshold: number } {
  let best = { linkage: 'single' as Linkage, threshold: 0.05 };
  let bestF1 = -1;
  for (const linkage of ['single', 'average'] as const) {
    for (let i = 2; i < 38; i++) {
      const score = f1(tfidfGroups(set, i * 0.025, linkage));
      if (score > bestF1) [best, bestF1] = [{ linkage, threshold: i * 0.025 }, score];
    }
  }
  return best;
}
