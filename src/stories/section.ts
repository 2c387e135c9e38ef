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

const compile = (words: string[]) =>
  words.map((w) => new RegExp(`(^|[^\\p{L}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'iu'));
const MARKETS_RE = compile(MARKETS);
const WORLD_RE = compile(WORLD);

function hits(text: string, words: RegExp[]): number {
  return words.reduce((n, re) => n + (re.test(text) ? 1 : 0), 0);
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
