// Which section a story belongs to: its source's, unless a mixed feed carries a
// clear story of the other kind (a rate decision in a world feed, a coup in a business feed).
import type { Section } from './sources-schema.js';

const MARKETS = [
  'stock', 'stocks', 'shares', 'equities', 'equity', 's&p', 'nasdaq', 'dow', 'ftse', 'dax', 'nikkei', 'hang seng',
  'bond', 'bonds', 'yield', 'yields', 'treasury', 'treasuries', 'fed', 'federal reserve', 'ecb', 'central bank',
  'interest rate', 'interest rates', 'rate cut', 'rate hike', 'inflation', 'earnings', 'profit', 'revenue', 'ipo',
  'crude', 'brent', 'oil price', 'oil prices', 'gold', 'bitcoin', 'crypto', 'dollar', 'euro', 'yen', 'sterling',
  'currency', 'investors', 'wall street', 'market', 'markets', 'gdp', 'recession', 'merger', 'acquisition',
  'dividend', 'hedge fund', 'index', 'futures', 'trading', 'traders', 'economy', 'economic', 'jobs report', 'payrolls',
];
const WORLD = [
  'war', 'ceasefire', 'election', 'elections', 'president', 'prime minister', 'parliament', 'troops', 'military',
  'missile', 'missiles', 'protest', 'protesters', 'killed', 'refugees', 'earthquake', 'flood', 'floods', 'hurricane',
  'storm', 'nato', 'united nations', 'diplomat', 'diplomats', 'army', 'attack', 'attacks', 'coup', 'rebels',
  'hostages', 'minister', 'summit', 'security council', 'fighting', 'displaced', 'humanitarian', 'genocide', 'invasion', 'border', 'police', 'court', 'vote', 'opposition', 'strike', 'strikes', 'wildfire',
];

/** Keywords by their first run of letters, so a text is read once, word by word. */
type Keywords = ReadonlyMap<string, readonly string[]>;

const compile = (words: string[]): Keywords => {
  const byFirst = new Map<string, string[]>();
  for (const w of words) {
    const first = /^\p{L}+/u.exec(w)![0];
    byFirst.set(first, [...(byFirst.get(first) ?? []), w]);
  }
  return byFirst;
};
const MARKETS_RE = compile(MARKETS);
const WORLD_RE = compile(WORLD);
const LETTER = /\p{L}/u;
const LETTERS = /\p{L}+/gu;

/** Distinct keywords standing as whole words (not inside a longer word) anywhere in the text. */
function hits(text: string, keywords: Keywords): number {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  for (const m of lower.matchAll(LETTERS)) {
    for (const k of keywords.get(m[0]) ?? []) {
      if (found.has(k) || !lower.startsWith(k, m.index)) continue;
      const after = lower[m.index + k.length];
      if (after === undefined || !LETTER.test(after)) found.add(k);
    }
  }
  return found.size;
}

export interface SectionSignal {
  markets: number;
  world: number;
}

/** Keyword hits; the title counts twice because summaries wander. */
export function sectionSignal(title: string, summary: string): SectionSignal {
  return {
    markets: 2 * hits(title, MARKETS_RE) + hits(summary, MARKETS_RE),
    world: 2 * hits(title, WORLD_RE) + hits(summary, WORLD_RE),
  };
}

/** Move a story out of its source's section only on a clear, one-sided signal. */
export function sectionFor(sourceSection: Section, title: string, summary: string): Section {
  const s = sectionSignal(title, summary);
  if (sourceSection === 'world' && s.markets >= 4 && s.markets >= 3 * s.world) return 'markets';
  if (sourceSection === 'markets' && s.world >= 4 && s.world >= 3 * s.markets) return 'world';
  return sourceSection;
}
