// What the story-gathering stage hands to editions. Editions read only these shapes.
import { z } from 'zod';
import { SectionSchema } from './sources-schema.js';

/** One item from one feed, cleaned. */
export const StorySchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  sourceName: z.string(),
  title: z.string(),
  url: z.url(),
  summary: z.string(),
  imageUrl: z.url().optional(),
  publishedAt: z.iso.datetime(),
  /**
   * Where publishedAt comes from: the feed, or (when the feed gives no date that can be
   * read) the time this story was first seen, stored once in the pool. Absent = feed.
   */
  dateSource: z.enum(['feed', 'first-seen']).optional(),
  fetchedAt: z.iso.datetime(),
  section: SectionSchema,
});
export type Story = z.infer<typeof StorySchema>;

/** The same story from one or more sources; what a reader sees as one entry. */
export const ClusterSchema = z.object({
  id: z.string(),
  section: SectionSchema,
  /** The representative story (title, link, summary shown to readers). */
  lead: StorySchema,
  /** Other sources that covered it ("also covered by"), without the lead's source. */
  alsoCoveredBy: z.array(z.object({ sourceId: z.string(), sourceName: z.string(), url: z.url() })),
  score: z.number(),
  firstSeenAt: z.iso.datetime(),
  publishedAt: z.iso.datetime(),
});
export type Cluster = z.infer<typeof ClusterSchema>;

export const QuoteSchema = z.object({
  symbol: z.string(),
  label: z.string(),
  price: z.number().nullable(),
  previousClose: z.number().nullable(),
  change: z.number().nullable(),
  changePercent: z.number().nullable(),
  currency: z.string().optional(),
  /** When the price was true (exchange time), not when we fetched it. */
  asOf: z.iso.datetime().nullable(),
  /** Missing, stale (older than its market's usual cadence) or fresh. */
  state: z.enum(['fresh', 'stale', 'missing']),
  provider: z.string(),
  /** Closes of the last sessions, oldest first: the sparkline. Absent in snapshots stored before. */
  history: z.array(z.object({ date: z.string(), close: z.number() })).default([]),
  /** Close before `history` starts: the week's change (weekly editions). */
  weekAgoClose: z.number().nullable().default(null),
});
export type Quote = z.infer<typeof QuoteSchema>;

export const MarketSnapshotSchema = z.object({
  fetchedAt: z.iso.datetime(),
  quotes: z.array(QuoteSchema),
});
export type MarketSnapshot = z.infer<typeof MarketSnapshotSchema>;
