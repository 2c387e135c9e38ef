// The yardstick the clustering must beat: plain TF-IDF cosine over title + summary
// (lower-cased words, a short stop list, no stemming, names or time), each story
// joining the group of its most similar earlier story when the cosine reaches a
// threshold. The threshold is tuned on the tuning part like the project's own.
import type { Labelled } from './labelled.js';

const STOP = new Set('a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(' '));

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && !STOP.has(w));
}

/** Story id → group id. */
export function tfidfGroups(set: readonly Labelled[], threshold: number): Map<string, string> {
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
  const groupOf = new Map<string, string>();
  stories.forEach((s, i) => {
    let best = -1;
    let bestScore = threshold;
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (const [w, x] of vectors[i]!) dot += x * (vectors[j]!.get(w) ?? 0);
      if (dot >= bestScore) [best, bestScore] = [j, dot];
    }
    groupOf.set(s.id, best < 0 ? s.id : groupOf.get(stories[best]!.id)!);
  });
  return groupOf;
}
