// Topics are data: the sources file declares them (`topics`), and the signup page,
// preference centre, import/export, section titles, the keyword rule for mixed feeds,
// ranking and the mails all read this list. Without `topics`, the default is the two
// the digest started with. A reader's set of topics is one variant of an edition.
import { z } from 'zod';

export const TopicIdSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a topic id is lower-case letters, digits and dashes');

/** The two default topics' words for the keyword rule. */
const DEFAULT_KEYWORDS: Record<string, readonly string[]> = {
  markets: [
    'stock', 'stocks', 'shares', 'equities', 'equity', 's&p', 'nasdaq', 'dow', 'ftse', 'dax', 'nikkei', 'hang seng',
    'bond', 'bonds', 'yield', 'yields', 'treasury', 'treasuries', 'fed', 'federal reserve', 'ecb', 'central bank',
    'interest rate', 'interest rates', 'rate cut', 'rate hike', 'inflation', 'earnings', 'profit', 'revenue', 'ipo',
    'crude', 'brent', 'oil price', 'oil prices', 'gold', 'bitcoin', 'crypto', 'dollar', 'euro', 'yen', 'sterling',
    'currency', 'investors', 'wall street', 'market', 'markets', 'gdp', 'recession', 'merger', 'acquisition',
    'dividend', 'hedge fund', 'index', 'futures', 'trading', 'traders', 'economy', 'economic', 'jobs report', 'payrolls',
  ],
  world: [
    'war', 'ceasefire', 'election', 'elections', 'president', 'prime minister', 'parliament', 'troops', 'military',
    'missile', 'missiles', 'protest', 'protesters', 'killed', 'refugees', 'earthquake', 'flood', 'floods', 'hurricane',
    'storm', 'nato', 'united nations', 'diplomat', 'diplomats', 'army', 'attack', 'attacks', 'coup', 'rebels',
    'hostages', 'minister', 'summit', 'security council', 'fighting', 'displaced', 'humanitarian', 'genocide', 'invasion',
    'border', 'police', 'court', 'vote', 'opposition', 'strike', 'strikes', 'wildfire',
  ],
};

export const TopicSchema = z.object({
  id: TopicIdSchema,
  /** Shown on the signup page, the preference centre and in mails. */
  label: z.string().trim().min(1).max(40),
  /** The edition's market table goes with this topic. */
  marketTable: z.boolean().default(false),
  /**
   * Words that pull a story from a mixed feed into this topic (stories/section.ts). Left out
   * for `markets` or `world`, the default list's words; for any other topic, none.
   */
  keywords: z.array(z.string().trim().toLowerCase().min(1).max(60).regex(/^\p{L}/u, 'a keyword starts with a letter')).max(500).optional(),
}).transform((t) => ({ ...t, keywords: t.keywords ?? defaultKeywords(t.id) }));
export type Topic = z.infer<typeof TopicSchema>;

function defaultKeywords(id: string): string[] {
  return [...(DEFAULT_KEYWORDS[id] ?? [])];
}

export const DEFAULT_TOPICS: readonly Topic[] = [
  { id: 'markets', label: 'Markets', marketTable: true, keywords: defaultKeywords('markets') },
  { id: 'world', label: 'World', marketTable: false, keywords: defaultKeywords('world') },
];

/** The topics list of a sources file: at least one, ids unique. */
export const TopicsListSchema = z
  .array(TopicSchema)
  .min(1)
  .max(20)
  .superRefine((topics, ctx) => {
    const seen = new Set<string>();
    topics.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate topic "${t.id}"` });
      seen.add(t.id);
    });
  });

/**
 * Variant key of a set of topics: its ids sorted and joined with '+', so the same set
 * gives the same key whatever order the reader chose or the sources file lists them in.
 */
export function topicsKey(topics: readonly string[]): string {
  return [...new Set(topics)].sort().join('+');
}

export class UnknownVariantError extends Error {
  override name = 'UnknownVariantError';
}

/** `markets+world` → ['markets', 'world']; refuses anything that is not a topicsKey of known topics. */
export function topicsOfKey(key: string, known: readonly Topic[]): string[] {
  const ids = key.split('+');
  if (!key || topicsKey(ids) !== key || ids.some((id) => !known.some((t) => t.id === id))) {
    throw new UnknownVariantError(`not a variant key: "${key}"`);
  }
  return ids;
}

/** The variant key a reader gets: their topics the sources file still declares; every topic when none is left. */
export function readerVariant(topics: readonly string[], known: readonly Topic[]): string {
  const kept = known.filter((t) => topics.includes(t.id)).map((t) => t.id);
  return topicsKey(kept.length > 0 ? kept : known.map((t) => t.id));
}

/** Of an edition's variants, the one closest to a reader's topics: most shared, then fewest extra. */
export function closestVariant(wanted: string, available: readonly string[]): string | undefined {
  const want = new Set(wanted.split('+'));
  const score = (key: string) => {
    const topics = key.split('+');
    const shared = topics.filter((t) => want.has(t)).length;
    return shared * 100 - (topics.length - shared);
  };
  return [...available].sort((a, b) => score(b) - score(a) || a.localeCompare(b))[0];
}
