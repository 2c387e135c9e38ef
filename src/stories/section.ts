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
const MARKETS_WORDS = compile(MARKETS);
const WORLD_WORDS = compile(WORLD);
const LETTER = /\p{L}/u;

function isLetter(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c > 127 && LETTER.test(s[i]!));
}

/** Keywords starting with `word` (at `at`) that stand there whole. */
function collect(lower: string, at: number, word: string, keywords: Keywords, into: Set<string>): void {
  const candidates = keywords.get(word);
  if (!candidates) return;
  for (const k of candidates) {
    // A phrase ("s&p", "wall street") must be there letter for letter and end at a word's end.
    if (k.length === word.length || (lower.startsWith(k, at) && !(at + k.length < lower.length && isLetter(lower, at + k.length)))) into.add(k);
  }
}

/** Distinct keywords of each list standing as whole words (not inside a longer word) in the text. */
function hits(text: string): SectionSignal {
  const lower = text.toLowerCase();
  const found = { markets: new Set<string>(), world: new Set<string>() };
  for (let i = 0; i < lower.length; ) {
    if (!isLetter(lower, i)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < lower.length && isLetter(lower, end)) end++;
    const word = lower.slice(i, end);
    collect(lower, i, word, MARKETS_WORDS, found.markets);
    collect(lower, i, word, WORLD_WORDS, found.world);
    i = end;
  }
  return { markets: found.markets.size, world: found.world.size };
}

export interface SectionSignal {
  markets: number;
  world: number;
}

/** Keyword hits; the title counts twice because summaries wander. */
export function sectionSignal(title: string, summary: string): SectionSignal {
  const t = hits(title);
  const s = hits(summary);
  return { markets: 2 * t.markets + s.markets, world: 2 * t.world + s.world };
}

/** Move a story out of its source's section only on a clear, one-sided signal. */
export function sectionFor(sourceSection: Section, title: string, summary: string): Section {
  const s = sectionSignal(title, summary);
  if (sourceSection === 'world' && s.markets >= 4 && s.markets >= 3 * s.world) return 'markets';
  if (sourceSection === 'markets' && s.world >= 4 && s.world >= 3 * s.markets) return 'world';
  return sourceSection;
}
