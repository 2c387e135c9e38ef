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
/** Runs of letters and the runs between them, alternately. */
const SPLIT = /(\P{L}+)/u;

/** Distinct keywords of each list standing as whole words (not inside a longer word) in the text. */
function hits(text: string): SectionSignal {
  const lower = text.toLowerCase();
  const found = { markets: new Set<string>(), world: new Set<string>() };
  const parts = lower.split(SPLIT);
  let at = 0;
  for (let i = 0; i < parts.length; at += parts[i]!.length, i++) {
    if (i % 2 !== 0 || !parts[i]) continue; // even parts are runs of letters
    for (const [list, keywords] of [[found.markets, MARKETS_WORDS], [found.world, WORLD_WORDS]] as const) {
      for (const k of keywords.get(parts[i]!) ?? []) {
        // A phrase ("s&p", "wall street") must be there letter for letter and end at a word's end.
        if (k.length === parts[i]!.length || (lower.startsWith(k, at) && !/\p{L}/u.test(lower[at + k.length] ?? ' '))) list.add(k);
      }
    }
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
