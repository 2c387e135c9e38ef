// Schema of SOURCES_FILE (config/sources.json). The story-gathering stage owns it.
import { z } from 'zod';
import { DEFAULT_TOPICS, TopicIdSchema, TopicsListSchema } from '../topics.js';

/** A story's section in an edition is one of the configured topics. */
export const SectionSchema = TopicIdSchema;
export type Section = z.infer<typeof SectionSchema>;

/** `section` is the older name of `topic`, still read. */
const topicFromSection = (v: unknown) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const { section, ...rest } = v as Record<string, unknown>;
  return 'topic' in rest || section === undefined ? rest : { ...rest, topic: section };
};

export const FeedSourceSchema = z.preprocess(topicFromSection, z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'id must be lower-case letters, digits and dashes'),
  name: z.string().min(1).max(100),
  url: z.url({ protocol: /^https?$/ }),
  /** One of the file's `topics` (the default list: markets, world). */
  topic: TopicIdSchema,
  weight: z.number().positive().max(10).default(1),
  enabled: z.boolean().default(true),
  userAgent: z.string().min(1).optional(),
  /** The site's own feed: its story leads every cluster it is part of (see rank.ts). */
  home: z.boolean().default(false),
  /** Feeds on the operator's own network: allow a loopback/private address (fetch.ts). */
  allowPrivate: z.boolean().default(false),
}));
export type FeedSource = z.infer<typeof FeedSourceSchema>;

export const MarketSymbolSchema = z.object({
  symbol: z.string().min(1).max(32),
  label: z.string().min(1).max(40),
  /** Fallback provider's id for the same instrument (e.g. FRED series), when there is one. */
  fallback: z.string().min(1).max(32).optional(),
  /** How stories name the instrument ("Apple", "AAPL"): a story naming one is on its watchers' watchlist. */
  names: z.array(z.string().trim().min(2).max(60)).max(20).default([]),
});

export const MarketConfigSchema = z.object({
  provider: z.enum(['yahoo']).default('yahoo'),
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://query1.finance.yahoo.com'),
  fallback: z
    .object({ provider: z.enum(['fred']), baseUrl: z.url({ protocol: /^https?$/ }).default('https://fred.stlouisfed.org') })
    .optional(),
  symbols: z.array(MarketSymbolSchema).max(50).default([]),
  /** A quote provider on the operator's own network (both providers). */
  allowPrivate: z.boolean().default(false),
});

export const SourcesFileSchema = z
  .object({
    /** What readers choose from; each feed names one. Default: markets (with the market table) and world. */
    topics: TopicsListSchema.default(() => DEFAULT_TOPICS.map((t) => ({ ...t, keywords: [...t.keywords] }))),
    feeds: z.array(FeedSourceSchema).max(500),
    market: MarketConfigSchema.default({ provider: 'yahoo', baseUrl: 'https://query1.finance.yahoo.com', symbols: [], allowPrivate: false }),
    ranking: z
      .object({
        /** Added to the score of a cluster a home source is part of (0 = leadership only, no boost). */
        homeBoost: z.number().min(0).max(10).default(0.5),
      })
      .default({ homeBoost: 0.5 }),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    const topics = file.topics.map((t) => t.id);
    file.feeds.forEach((f, i) => {
      if (seen.has(f.id)) ctx.addIssue({ code: 'custom', path: ['feeds', i, 'id'], message: `duplicate id "${f.id}"` });
      seen.add(f.id);
      if (!topics.includes(f.topic)) {
        ctx.addIssue({ code: 'custom', path: ['feeds', i, 'topic'], message: `topic "${f.topic}" is not one of the file's topics: ${topics.join(', ')}` });
      }
    });
  });
export type SourcesFile = z.infer<typeof SourcesFileSchema>;

/** The instruments readers may watch: every configured market symbol, with its label. */
export function watchOptions(file: Pick<SourcesFile, 'market'>): { symbol: string; label: string }[] {
  return file.market.symbols.map((s) => ({ symbol: s.symbol, label: s.label }));
}
