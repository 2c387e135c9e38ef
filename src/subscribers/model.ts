// The subscriber record. Stored as a Redis hash by id; this schema is its type.
import { z } from 'zod';
import { TopicIdSchema } from '../topics.js';

export const STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export const StatusSchema = z.enum(STATUSES);
export type SubscriberStatus = z.infer<typeof StatusSchema>;

/** How often a reader gets the digest: every day (default) or once a week on `weeklyDay`. */
export const CADENCES = ['daily', 'weekly'] as const;
export const CadenceSchema = z.enum(CADENCES);
export type Cadence = z.infer<typeof CadenceSchema>;

/** Index = JavaScript's getDay() (0 = Sunday), the form slot maths uses. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const WeekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof WeekdaySchema>;

/** Instruments a reader may follow, from the configured market symbols. */
export const WATCHLIST_MAX = 10;

/** A reader's choices with their defaults, for records that predate them. */
export const CHOICE_DEFAULTS = { cadence: 'daily', weeklyDay: 'mon', watchlist: [] as string[] } as const;

export const ConsentSchema = z.object({
  at: z.iso.datetime(),
  ip: z.string().max(64),
  userAgent: z.string().max(512),
  /** Where consent came from: `signup-page`, `api`, `import`, `import-confirmed`. */
  source: z.string().max(64),
});
export type Consent = z.infer<typeof ConsentSchema>;

export const SubscriberSchema = z.object({
  /** Zero-padded sequence number: lexicographic order equals creation order (keyset cursor). */
  id: z.string().regex(/^\d{12}$/),
  email: z.string(),
  name: z.string(),
  status: StatusSchema,
  /** Topic ids (the sources file's `topics`), sorted. */
  topics: z.array(TopicIdSchema).min(1),
  timezone: z.string(),
  sendHour: z.number().int().min(0).max(23),
  weekdaysOnly: z.boolean(),
  cadence: CadenceSchema,
  /** The weekly edition's day (local to `timezone`); kept while daily so a switch back remembers it. */
  weeklyDay: WeekdaySchema,
  /** Market symbols whose rows come first and whose stories are marked (at most WATCHLIST_MAX). */
  watchlist: z.array(z.string().min(1).max(32)).max(WATCHLIST_MAX),
  consent: ConsentSchema,
  /** Bumped to revoke every unsubscribe/preferences token issued before. */
  tokenVersion: z.number().int().min(0),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime().nullable(),
  unsubscribedAt: z.iso.datetime().nullable(),
});
export type Subscriber = z.infer<typeof SubscriberSchema>;
