// Which topic (edition section) a story belongs to: its source's, unless a mixed feed
// carries a clear story of another topic (a rate decision in a world feed, a coup in a
// business feed). Each topic's `keywords` in the sources file are its signal.
import type { Topic } from '../topics.js';

type Compiled = { id: string; words: RegExp[] }[];

const compiled = new WeakMap<readonly Topic[], Compiled>();

function compile(topics: readonly Topic[]): Compiled {
  let c = compiled.get(topics);
  if (!c) {
    c = topics.map((t) => ({
      id: t.id,
      words: t.keywords.map((w) => new RegExp(`(^|[^\\p{L}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'iu')),
    }));
    compiled.set(topics, c);
  }
  return c;
}

function hits(text: string, words: RegExp[]): number {
  return words.reduce((n, re) => n + (re.test(text) ? 1 : 0), 0);
}

/** Keyword hits per topic id; the title counts twice because summaries wander. */
export function topicSignal(title: string, summary: string, topics: readonly Topic[]): Map<string, number> {
  return new Map(compile(topics).map((t) => [t.id, 2 * hits(title, t.words) + hits(summary, t.words)]));
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
