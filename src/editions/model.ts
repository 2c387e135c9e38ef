// What an edition is: the schemas are the types. An edition serves one UTC slot,
// carries the story list it was built from (so the archive can show what was
// sent), and has one rendered variant per topic combination.
import { z } from 'zod';
import { ClusterSchema, MarketSnapshotSchema } from '../stories/model.js';
import { TopicIdSchema } from '../topics.js';

export const EDITION_STATUSES = ['building', 'ready', 'sending', 'done', 'cancelled'] as const;
export const EditionStatusSchema = z.enum(EDITION_STATUSES);
export type EditionStatus = z.infer<typeof EditionStatusSchema>;

/** `scheduled`: daily readers due in the slot; `weekly`: weekly readers due in it; `now`: everyone (operator). */
export const EditionModeSchema = z.enum(['scheduled', 'now', 'weekly']);
export type EditionMode = z.infer<typeof EditionModeSchema>;

/** The moves the status machine allows; anything else is a bug, not a race. */
export const TRANSITIONS: Readonly<Record<EditionStatus, readonly EditionStatus[]>> = {
  building: ['ready', 'cancelled'],
  ready: ['sending', 'cancelled'],
  sending: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

export const EditionSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  slot: z.iso.datetime(),
  mode: EditionModeSchema,
  status: EditionStatusSchema,
  /** Why it was cancelled (e.g. `stale`, `operator`); absent otherwise. */
  reason: z.string().optional(),
  /** Stories published in [since, until) were eligible. */
  window: z.object({ since: z.iso.datetime(), until: z.iso.datetime() }),
  /** The picked clusters, best first per section: exactly what the variants show. */
  clusters: z.array(ClusterSchema),
  market: MarketSnapshotSchema.nullable(),
  /** Random per edition; part of every per-reader placeholder (see personalise.ts). */
  token: z.string().regex(/^[a-f0-9]{8,32}$/),
  /** Variant keys rendered for this edition (topicsKey form): the topic combinations of its readers. */
  variants: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** When each status was entered. */
  statusAt: z.partialRecord(EditionStatusSchema, z.iso.datetime()).default({}),
});
export type Edition = z.infer<typeof EditionSchema>;

/** What a variant needs for watchlists (watchlist.ts): each row's symbol, the symbols each story names, in mail order. */
export const WatchLayoutSchema = z.object({
  rows: z.array(z.string()),
  stories: z.array(z.array(z.string())),
});
export type WatchLayout = z.infer<typeof WatchLayoutSchema>;

export const EditionVariantSchema = z.object({
  editionId: z.string(),
  /** topicsKey of the readers it serves, e.g. `markets`, `crypto+markets`. */
  key: z.string(),
  topics: z.array(TopicIdSchema).min(1),
  subject: z.string(),
  preheader: z.string(),
  /** Compiled HTML; per-reader fields are `%%<token>:<field>%%` placeholders. */
  html: z.string(),
  /** Plain-text part with the same placeholders. */
  text: z.string(),
  token: z.string(),
  /** The clusters this variant shows (for the "no new stories" skip rule). */
  storyIds: z.array(z.string()),
  /** Where "view in browser" points unless the reader gets a personal link. */
  archiveUrl: z.string(),
  htmlBytes: z.number().int(),
  compileMs: z.number(),
  /** The slot and the zone used when a reader has none: for the per-reader date fields. */
  slot: z.iso.datetime().optional(),
  timezone: z.string().optional(),
  /** Present when the HTML and text carry watchlist cut marks (see watchlist.ts). */
  watch: WatchLayoutSchema.optional(),
  /** Set on an arranged copy (never stored): which reader arrangement it is. */
  arrangement: z.string().optional(),
});
export type EditionVariant = z.infer<typeof EditionVariantSchema>;

/**
 * Per-reader fields a compiled mail leaves open. `date` / `date_short`: the slot's date in
 * the reader's own time zone (header, subject); `confirm_url`: the confirmation mail's link;
 * `choices`: the reader's schedule and watchlist in words (the welcome mail).
 */
export const READER_FIELDS = ['greeting', 'unsubscribe_url', 'preferences_url', 'browser_url', 'date', 'date_short', 'confirm_url', 'choices'] as const;
export type ReaderField = (typeof READER_FIELDS)[number];

export function readerPlaceholder(token: string, field: ReaderField): string {
  return `%%${token}:${field}%%`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Id of the edition for a slot; a valid BullMQ job-id fragment (no ':').
 * Scheduled: `e20261124T0700` (minutes kept for :30/:45 zones); weekly: `w20261124T0700`;
 * send-now: `now20261124T071533`.
 */
export function editionIdForSlot(slot: Date, mode: EditionMode): string {
  const day = `${slot.getUTCFullYear()}${pad(slot.getUTCMonth() + 1)}${pad(slot.getUTCDate())}`;
  const hm = `${pad(slot.getUTCHours())}${pad(slot.getUTCMinutes())}`;
  if (mode === 'now') return `now${day}T${hm}${pad(slot.getUTCSeconds())}`;
  return `${mode === 'weekly' ? 'w' : 'e'}${day}T${hm}`;
}

export const EDITION_ID_PATTERN = /^(?:[ew]\d{8}T\d{4}|now\d{8}T\d{6})$/;
