// Which topic (edition section) a story belongs to: its source's, unless a mixed feed
// carries a clear story of another topic (a rate decision in a world feed, a coup in a
// business feed). Each topic's `keywords` in the sources file are its signal.
import type { Topic } from '../topics.js';

interface Compiled {
  ids: string[];
  /** Every keyword of every topic by its first run of letters: one lookup per word read. */
  keywords: ReadonlyMap<string, readonly { keyword: string; topic: number }[]>;
}

const compiled = new WeakMap<readonly Topic[], Compiled>();

function compile(topics: readonly Topic[]): Compiled {
  let c = compiled.get(topics);
  if (!c) {
    const byFirst = new Map<string, { keyword: string; topic: number }[]>();
    topics.forEach((t, topic) => {
      for (const keyword of t.keywords) {
        const first = /^\p{L}+/u.exec(keyword)?.[0];
        if (first) byFirst.set(first, [...(byFirst.get(first) ?? []), { keyword, topic }]);
      }
    });
    c = { ids: topics.map((t) => t.id), keywords: byFirst };
    compiled.set(topics, c);
  }
  return c;
}

const LETTER = /\p{L}/u;

function isLetter(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c > 127 && LETTER.test(s[i]!));
}

/** Distinct keywords of each topic standing as whole words (not inside a longer word) in the text. */
function hits(text: string, c: Compiled): number[] {
  const lower = text.toLowerCase();
  const found = c.ids.map(() => new Set<string>());
  for (let i = 0; i < lower.length; ) {
    if (!isLetter(lower, i)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < lower.length && isLetter(lower, end)) end++;
    for (const { keyword, topic } of c.keywords.get(lower.slice(i, end)) ?? []) {
      // A phrase ("s&p", "wall street") must be there letter for letter and end at a word's end.
      const stop = i + keyword.length;
      if (stop === end || (lower.startsWith(keyword, i) && !(stop < lower.length && isLetter(lower, stop)))) found[topic]!.add(keyword);
    }
    i = end;
  }
  return found.map((s) => s.size);
}

/** Keyword hits per topic id; the title counts twice because summaries wander. */
export function topicSignal(title: string, summary: string, topics: readonly Topic[]): Map<string, number> {
  const c = compile(topics);
  const t = hits(title, c);
  const s = hits(summary, c);
  return new Map(c.ids.map((id, i) => [id, 2 * t[i]! + s[i]!]));
}

/**
 * Move a story out of its source's topic only on a clear, one-sided signal: another
 * topic with at least 4 hits and three times those of every other topic, the source's included.
 */
export function topicFor(sourceTopic: string, title: string, summary: string, topics: readonly Topic[]): string {
  const signal = topicSignal(title, summary, topics);
  let best: string | null = null;
  let bestHits = 0;
  let runnerUp = 0;
  for (const [id, n] of signal) {
    if (n > bestHits) {
      runnerUp = bestHits;
      best = id;
      bestHits = n;
    } else if (n > runnerUp) {
      runnerUp = n;
    }
  }
  const own = signal.get(sourceTopic) ?? 0;
  if (best === null || best === sourceTopic || bestHits < 4) return sourceTopic;
  return bestHits >= 3 * Math.max(own, runnerUp) ? best : sourceTopic;
}
