// What delivery needs from the other stages, declared here by the code that uses it
// (listmonk style). The composition root wires the real subscriber store, token
// module and edition store/renderer into these; tests wire small ones of their own.
import type { Subscriber, SubscriberStatus } from '../subscribers/model.js';

export type EditionMode = 'scheduled' | 'now' | 'weekly';

/** The subset of the subscriber store delivery uses. */
export interface SubscriberPort {
  get(id: string): Promise<Subscriber | null>;
  /** A subscriber from its stored hash (read by the ledger's claim); null when empty or malformed. */
  parse(hash: Record<string, string>): Subscriber | null;
  /** Confirmed ids after `afterId` (exclusive) in id order. */
  pageConfirmed(afterId: string | null, limit: number): Promise<string[]>;
  /** Confirmed daily readers of one (timezone, hour) slot after `afterId` in id order. */
  pageSlot(timezone: string, hour: number, afterId: string | null, limit: number): Promise<string[]>;
  /** Confirmed weekly readers of one (timezone, hour, weekday) slot after `afterId` in id order. */
  pageWeeklySlot(timezone: string, hour: number, weekday: number, afterId: string | null, limit: number): Promise<string[]>;
  /** Slots with readers; weekly ones carry their weekday (0 = Sunday). */
  slotsInUse(): Promise<{ timezone: string; hour: number; weekday?: number; count: number }[]>;
  setStatus(id: string, status: SubscriberStatus): Promise<unknown>;
  isSuppressed(email: string): Promise<boolean>;
  /** The suppressed ones among `emails` (one round trip for a page of readers). */
  suppressedAmong(emails: readonly string[]): Promise<ReadonlySet<string>>;
  suppress(email: string, reason: string): Promise<unknown>;
  findByEmail(email: string): Promise<Subscriber | null>;
}

/** Signed per-reader links (the lead's token module). */
export interface LinkPort {
  unsubscribeUrl(sub: Subscriber): string;
  preferencesUrl(sub: Subscriber): string;
  /** The web-archive copy of the edition for this variant. */
  browserUrl(editionId: string, variantKey: string): string;
}

/** What a variant is filled with for one reader; `timezone` dates the header and subject. */
export interface ReaderFields {
  name: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
  browserUrl: string;
  timezone?: string;
  /** Market symbols the reader watches (their rows and stories first). */
  watchlist?: readonly string[];
}

export interface Personalised {
  subject: string;
  html: string;
  text: string;
}

/** A template's fixed pieces around its placeholders; the same object for every reader of a variant. */
export interface TemplateSplit {
  readonly parts: readonly string[];
  readonly fields: readonly string[];
}

/** A personalised message in pieces, so the sender can encode each variant's body once. */
export interface PersonalisedParts {
  subject: string;
  html: TemplateSplit;
  text: TemplateSplit;
  values: { html: Readonly<Record<string, string>>; text: Readonly<Record<string, string>> };
}

export interface BuildResult {
  editionId: string;
  /** `ready`: fan out. Anything else (`skipped` for no new stories, `cancelled`…): nothing to send. */
  status: string;
}

/** The editions stage: build once per slot, then a prepared variant per topic set. */
export interface EditionPort<V = unknown> {
  editionIdForSlot(slot: string, mode: EditionMode): string;
  /** Idempotent: building an edition that exists returns its current status. */
  build(job: { slot: string; mode: EditionMode }): Promise<BuildResult>;
  /** Compare-and-set; false when the edition was not in `from`. */
  setStatus(editionId: string, from: string, to: string): Promise<boolean>;
  /** The variant key of a reader's topics (topics no longer configured are dropped). */
  variantFor(topics: readonly string[]): string;
  /**
   * The prepared variant for this key; when the edition has no such variant (the reader
   * changed topics after the build), the closest one it has. Null when it has none.
   */
  getVariant(editionId: string, variantKey: string): Promise<V | null>;
  /** The reader's message in pieces, so the MIME body is prepared once per variant. */
  personaliseParts(variant: V, fields: ReaderFields): PersonalisedParts;
  /** Story ids a variant shows, for the skip rule (SKIP_EMPTY_EDITIONS); null when the variant is gone. */
  storyIds(editionId: string, variantKey: string): Promise<readonly string[] | null>;
}

export interface DeliveryPorts<V = unknown> {
  subscribers: SubscriberPort;
  links: LinkPort;
  editions: EditionPort<V>;
}
