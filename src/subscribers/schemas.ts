// Input schemas for the public endpoints. The same schema reads JSON and
// form-encoded bodies (where every value is a string and checkboxes repeat).
import { z } from 'zod';
import { stripControls } from '../controls.js';
import { CADENCES, WATCHLIST_MAX, WEEKDAYS } from './model.js';

// Building an Intl.DateTimeFormat is costly and the set of zones is small: remember the answers.
const zoneChecks = new Map<string, boolean>();

export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(tz)) return false;
  let ok = zoneChecks.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneChecks.size < 2000) zoneChecks.set(tz, ok);
  }
  return ok;
}

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

const NameSchema = z
  .string()
  .max(100, 'name must be at most 100 characters')
  .refine((v) => !/[\r\n\t\0\u2028\u2029]/.test(v), 'name must be one line')
  .refine((v) => !/[<>]/.test(v), 'name must not contain < or >')
  // Controls, bidi overrides and zero-width characters are removed, not refused.
  .transform((v) => stripControls(v).trim());

/** A list of the configured topic ids: a comma/semicolon string or repeated checkboxes; sorted, no repeats. */
function topicsSchema(ids: readonly string[]) {
  const message = `topics must be a list of: ${ids.join(', ')}`;
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[;,]/).map((s) => s.trim()).filter(Boolean) : v),
    z
      .array(z.string().refine((t) => ids.includes(t), { error: message }), { error: message })
      .min(1, 'choose at least one topic')
      .max(ids.length)
      .transform((topics) => ids.filter((t) => topics.includes(t)).sort()),
  );
}

const TimezoneSchema = z.string().max(64).refine(isTimeZone, 'timezone must be an IANA time zone such as Europe/London');

const HourSchema = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,2}$/.test(v) ? Number(v) : v),
  z.number({ error: 'sendHour must be a whole hour from 0 to 23' }).int('sendHour must be a whole hour from 0 to 23').min(0, 'sendHour must be from 0 to 23').max(23, 'sendHour must be from 0 to 23'),
);

const FlagSchema = z.preprocess(
  (v) => (v === 'on' || v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean(),
);

const CadenceInput = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z.enum(CADENCES, { error: `cadence must be ${CADENCES.join(' or ')}` }),
);

const WeekdayInput = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase().slice(0, 3) : v),
  z.enum(WEEKDAYS, { error: `weeklyDay must be one of ${WEEKDAYS.join(', ')}` }),
);

/** Symbols, from a form (repeated checkboxes) or CSV (`AAPL;MSFT`); order kept, duplicates dropped. */
const WatchlistSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[;,]/) : v),
  z
    .array(z.string().trim().max(32, 'watchlist symbols are at most 32 characters'))
    .transform((list) => [...new Set(list.filter(Boolean))])
    .refine((list) => list.length <= WATCHLIST_MAX, `watchlist: choose at most ${WATCHLIST_MAX} instruments`),
);

/** How often and which instruments: shared by signup, preferences and the CSV import. */
const choiceFields = {
  cadence: z.preprocess(emptyToUndefined, CadenceInput.optional()),
  weeklyDay: z.preprocess(emptyToUndefined, WeekdayInput.optional()),
  watchlist: z.preprocess(emptyToUndefined, WatchlistSchema.optional()),
};

function signupSchema(topics: ReturnType<typeof topicsSchema>) {
  return z.object({
    email: z.string({ error: 'email is required' }).max(320, 'email is longer than 254 characters'),
    name: z.preprocess(emptyToUndefined, NameSchema.optional()),
    topics: z.preprocess(emptyToUndefined, topics.optional()),
    timezone: z.preprocess(emptyToUndefined, TimezoneSchema.optional()),
    sendHour: z.preprocess(emptyToUndefined, HourSchema.optional()),
    weekdaysOnly: z.preprocess(emptyToUndefined, FlagSchema.optional()),
    ...choiceFields,
    /** Honeypot: a field people never see. Anything in it means a bot. */
    website: z.string().max(1000).optional(),
    // No consent fields (source, IP, time): the server records those itself; anything else
    // in a body, `source` included, is dropped by the parse.
  });
}

function preferencesSchema(topics: ReturnType<typeof topicsSchema>) {
  return z.object({
    topics,
    timezone: TimezoneSchema,
    sendHour: HourSchema,
    weekdaysOnly: z.preprocess((v) => (v === undefined || v === '' ? false : v), FlagSchema),
    name: z.preprocess(emptyToUndefined, NameSchema.optional()),
    ...choiceFields,
    /** A form with no box ticked sends no `watchlist` at all: that empties it. */
    watchlist: z.preprocess((v) => (v === undefined || v === '' ? [] : v), WatchlistSchema),
  });
}

export interface SubscriptionSchemas {
  signup: ReturnType<typeof signupSchema>;
  preferences: ReturnType<typeof preferencesSchema>;
}
export type SignupInput = z.infer<SubscriptionSchemas['signup']>;
export type PreferencesInput = z.infer<SubscriptionSchemas['preferences']>;

const built = new Map<string, SubscriptionSchemas>();

/** The signup and preferences schemas for these topic ids (the sources file's), built once per list. */
export function subscriptionSchemas(topicIds: readonly string[]): SubscriptionSchemas {
  const key = topicIds.join(',');
  let schemas = built.get(key);
  if (!schemas) {
    const topics = topicsSchema([...topicIds]);
    schemas = { signup: signupSchema(topics), preferences: preferencesSchema(topics) };
    built.set(key, schemas);
  }
  return schemas;
}

/** One readable sentence for the first problem, naming the field. */
export function describeIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? 'body');
  const message = issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
  return { field, message };
}
