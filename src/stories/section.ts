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

type List = 'markets' | 'world';

/** Every keyword by its first run of letters (one map for both lists: one lookup per word read). */
const KEYWORDS: ReadonlyMap<string, readonly { keyword: string; list: List }[]> = (() => {
  const byFirst = new Map<string, { keyword: string; list: List }[]>();
  for (const [list, words] of [['markets', MARKETS], ['world', WORLD]] as const) {
    for (const keyword of words) {
      const first = /^\p{L}+/u.exec(keyword)![0];
      byFirst.set(first, [...(byFirst.get(first) ?? []), { keyword, list }]);
    }
  }
  return byFirst;
})();
const LETTER = /\p{L}/u;

function isLetter(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c > 127 && LETTER.test(s[i]!));
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
    const candidates = KEYWORDS.get(lower.slice(i, end));
    for (const { keyword, list } of candidates ?? []) {
      // A phrase ("s&p", "wall street") must be there letter for letter and end at a word's end.
      const stop = i + keyword.length;
      if (stop === end || (lower.startsWith(keyword, i) && !(stop < lower.length && isLetter(lower, stop)))) found[list].add(keyword);
    }
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
