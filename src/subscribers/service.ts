// The subscription use cases: subscribe (double opt-in), confirm, unsubscribe,
// preferences. The HTTP layer and the CLI call these; they never touch Redis directly.
import type { RedisClient } from '../redis.js';
import type { Keyspace } from '../keys.js';
import type { Logger } from '../log.js';
import { emailHash, InvalidAddressError, toAddress, type Address } from './address.js';
import type { ConfirmOutbox } from './confirm-outbox.js';
import type { SignupGuard } from './rate-limits.js';
import { unknownSymbols, type WatchOption } from './choices.js';
import { CHOICE_DEFAULTS, type Consent, type Subscriber } from './model.js';
import { subscriptionSchemas, type PreferencesInput, type SignupInput } from './schemas.js';
import type { SignupState, SubscriberStore } from './store.js';
import { CONFIRM_TTL_SEC, InvalidTokenError, type TokenPurpose, type Tokens } from './tokens.js';

export interface SubscriptionDefaults {
  timezone: string;
  sendHour: number;
  publicUrl: string;
  /** Every configured topic id (the sources file's `topics`): what a reader may choose, and gets when they choose nothing. */
  topics: readonly string[];
  /** Instruments readers may put on their watchlist (the configured market symbols); default none. */
  watchOptions?: readonly WatchOption[];
}

/** Port to the system-mail queue for the welcome mail (confirmations go through the outbox). */
export interface SystemMailer {
  enqueueWelcome(subscriberId: string): Promise<void>;
}

export interface SubscriptionDeps {
  store: SubscriberStore;
  tokens: Tokens;
  redis: RedisClient;
  keys: Keyspace;
  mail: SystemMailer;
  /** Confirmation mails: appended to the outbox with the 24 h claim, drained into the system-mail queue. */
  outbox: Pick<ConfirmOutbox, 'claimAndAppend'>;
  log: Logger;
  defaults: SubscriptionDefaults;
  now?: () => Date;
}

export type SignupOutcome =
  | 'created'
  | 'resubscribed'
  | 'pending-resent'
  | 'pending-throttled'
  | 'already-confirmed'
  | 'suppressed'
  | 'honeypot'
  /** Submitted too often today (SIGNUP_LIMIT_PER_ADDRESS): nothing done, same answer. */
  | 'address-limited';

/** Per-day counters the service keeps (for the operators' views). */
export const DAILY_COUNTERS = ['signups', 'confirmations', 'unsubscribes'] as const;
export type DailyCounter = (typeof DAILY_COUNTERS)[number];
export interface DailyCounts {
  day: string;
  counts: Record<DailyCounter, number>;
}
const SIGNUP_OUTCOME: Record<SignupState, (claimed: boolean) => SignupOutcome> = {
  new: () => 'created',
  unsubscribed: () => 'resubscribed',
  pending: (claimed) => (claimed ? 'pending-resent' : 'pending-throttled'),
  confirmed: () => 'already-confirmed',
  bounced: () => 'suppressed',
  complained: () => 'suppressed',
};

/** At most one confirmation mail per address per 24 hours. */
const CONFIRM_MAIL_WINDOW_SEC = 24 * 3600;

export function createSubscriptions(deps: SubscriptionDeps) {
  const { store, tokens, redis, keys, log } = deps;
  const now = deps.now ?? (() => new Date());
  const watchOptions = deps.defaults.watchOptions ?? [];
  /** Only instruments the site offers; the forms offer no others, so the rest is tampering. */
  const offered = (watchlist: readonly string[]) => {
    const unknown = new Set(unknownSymbols(watchlist, watchOptions));
    return watchlist.filter((s) => !unknown.has(s));
  };

  /** Claims the once-per-24h slot and hands the mail over in one step; false when a mail went out recently. */
  function sendConfirmation(sub: Subscriber): Promise<boolean> {
    return deps.outbox.claimAndAppend(keys.confirmMailSent(emailHash(sub.email)), CONFIRM_MAIL_WINDOW_SEC, sub.id, now());
  }

  const dailyKey = (name: string, at = now()) => keys.dailyCounter(name, at.toISOString().slice(0, 10));
  const DAILY_TTL_SEC = 90 * 86400;

  async function countDaily(name: DailyCounter): Promise<void> {
    const key = dailyKey(name);
    await redis.multi().incr(key).expire(key, DAILY_TTL_SEC).exec();
  }

  /** Resolve a token to its live subscriber, or throw InvalidTokenError. */
  async function resolve(token: string, purpose: TokenPurpose): Promise<Subscriber> {
    const { subscriberId, version } = tokens.verify(token, purpose, now());
    const sub = await store.get(subscriberId);
    if (!sub) throw new InvalidTokenError('unknown-subscriber');
    if (version !== sub.tokenVersion) throw new InvalidTokenError('revoked');
    return sub;
  }

  return {
    /** The input schemas for the configured topics (signup, preferences, import rows). */
    schemas: subscriptionSchemas(deps.defaults.topics),
    /** Every configured topic id. */
    topics: deps.defaults.topics,

    /** The daily counters of these UTC days (`YYYY-MM-DD`), in that order. */
    async dailyCounts(days: readonly string[]): Promise<DailyCounts[]> {
      const names = days.flatMap((day) => DAILY_COUNTERS.map((name) => keys.dailyCounter(name, day)));
      const values = names.length ? await redis.mget(names) : [];
      return days.map((day, d) => ({
        day,
        counts: Object.fromEntries(DAILY_COUNTERS.map((name, n) => [name, Number(values[d * DAILY_COUNTERS.length + n] ?? 0)])) as Record<DailyCounter, number>,
      }));
    },
    /**
     * Same answer for every address state (the caller always says 202); the
     * outcome is for logs and tests only and must never reach the response.
     */
    async subscribe(
      input: SignupInput,
      meta: Omit<Consent, 'at'>,
      /**
       * From the HTTP caller: the normalised form of `input.email` with its hash, and the
       * signup gate (rate limits, suppression), which then runs inside the signup script:
       * one round trip for every address. It throws RateLimitedError for the IP.
       */
      known: { address?: Address; guard?: SignupGuard } = {},
    ): Promise<SignupOutcome> {
      if (input.website) {
        if (known.guard) await known.guard.alone(); // a bot's submission still counts
        return 'honeypot';
      }
      const { email, hash } = known.address ?? toAddress(input.email);
      if (!known.guard && (await store.isSuppressed(email))) return 'suppressed';
      const at = now();
      const consent: Consent = { ...meta, at: at.toISOString() };
      const prefs = {
        name: input.name ?? '',
        topics: input.topics ?? [...deps.defaults.topics].sort(),
        timezone: input.timezone ?? deps.defaults.timezone,
        sendHour: input.sendHour ?? deps.defaults.sendHour,
        weekdaysOnly: input.weekdaysOnly ?? false,
        cadence: input.cadence ?? CHOICE_DEFAULTS.cadence,
        weeklyDay: input.weeklyDay ?? CHOICE_DEFAULTS.weeklyDay,
        watchlist: offered(input.watchlist ?? []),
      };
      // One round trip, the same for every state of the address (store.signup): the gate, the
      // record, the counter, the 24 h claim and the confirmation's outbox entry. Nothing about
      // the state may show in the answer or its timing, so no path does more than another here.
      const record = { ...prefs, email, status: 'pending' as const, consent, confirmedAt: null, unsubscribedAt: null };
      const extras = {
        counter: { key: dailyKey('signups', at), ttlSec: DAILY_TTL_SEC },
        claim: { key: keys.confirmMailSent(hash), ttlSec: CONFIRM_MAIL_WINDOW_SEC, outbox: keys.confirmOutbox() },
      };
      const result = await store.signup(record, at, extras, known.guard);
      let outcome: SignupOutcome;
      if ('stopped' in result) outcome = known.guard!.read(result.stopped).addressAllowed ? 'suppressed' : 'address-limited';
      else outcome = SIGNUP_OUTCOME[result.state](result.claimed);
      // Per signup at debug only: the api's periodic `signup.summary` counts them at info.
      log.debug({ event: 'subscriber.signup', outcome }, 'signup received');
      return outcome;
    },

    /** Look up the subscriber a confirm link is for, without changing anything (GET page). */
    peek: resolve,

    async confirm(token: string): Promise<Subscriber> {
      const sub = await resolve(token, 'confirm');
      if (sub.status === 'confirmed') return sub;
      if (sub.status !== 'pending') throw new InvalidTokenError('revoked');
      if (await store.isSuppressed(sub.email)) throw new InvalidTokenError('revoked');
      const updated = (await store.setStatus(sub.id, 'confirmed', now())) ?? sub;
      await countDaily('confirmations');
      log.info({ event: 'subscriber.confirmed', subscriberId: sub.id }, 'subscriber confirmed');
      await deps.mail.enqueueWelcome(sub.id);
      return updated;
    },

    /** Offer a fresh confirmation link for an expired one (rate-limited by the 24 h rule). */
    async resendConfirmation(expiredToken: string): Promise<void> {
      let subscriberId: string | undefined;
      try {
        tokens.verify(expiredToken, 'confirm', now());
        return; // not expired: nothing to do
      } catch (err) {
        if (!(err instanceof InvalidTokenError) || err.reason !== 'expired') throw err;
        subscriberId = err.subscriberId;
      }
      const sub = subscriberId ? await store.get(subscriberId) : null;
      if (!sub || sub.status !== 'pending') return;
      await sendConfirmation(sub);
    },

    /** Idempotent: unsubscribing twice answers the same. Accepts unsubscribe and preferences tokens. */
    async unsubscribe(token: string, purpose: 'unsubscribe' | 'preferences' = 'unsubscribe'): Promise<Subscriber> {
      const sub = await resolve(token, purpose);
      if (sub.status === 'unsubscribed' || sub.status === 'bounced' || sub.status === 'complained') return sub;
      const updated = (await store.setStatus(sub.id, 'unsubscribed', now())) ?? sub;
      await countDaily('unsubscribes');
      log.info({ event: 'subscriber.unsubscribed', subscriberId: sub.id }, 'subscriber unsubscribed');
      return updated;
    },

    async updatePreferences(token: string, input: PreferencesInput): Promise<Subscriber> {
      const sub = await resolve(token, 'preferences');
      const updated = await store.update(sub.id, {
        topics: input.topics,
        timezone: input.timezone,
        sendHour: input.sendHour,
        weekdaysOnly: input.weekdaysOnly,
        ...(input.cadence !== undefined ? { cadence: input.cadence } : {}),
        ...(input.weeklyDay !== undefined ? { weeklyDay: input.weeklyDay } : {}),
        watchlist: offered(input.watchlist),
        ...(input.name !== undefined ? { name: input.name } : {}),
      }, now());
      log.info({ event: 'subscriber.preferences', subscriberId: sub.id }, 'preferences changed');
      return updated ?? sub;
    },

    /** Revoke every unsubscribe/preferences link issued so far. */
    async revokeTokens(id: string): Promise<void> {
      const sub = await store.get(id);
      if (sub) await store.update(id, { tokenVersion: sub.tokenVersion + 1 });
    },

    links(sub: Subscriber) {
      const base = deps.defaults.publicUrl;
      return {
        confirm: `${base}/confirm/${tokens.sign('confirm', sub.id, sub.tokenVersion, CONFIRM_TTL_SEC)}`,
        unsubscribe: `${base}/unsubscribe/${tokens.sign('unsubscribe', sub.id, sub.tokenVersion)}`,
        preferences: `${base}/preferences/${tokens.sign('preferences', sub.id, sub.tokenVersion)}`,
      };
    },

    /** Delete unconfirmed subscribers older than the cut-off; returns how many. */
    async purgePending(olderThan: Date): Promise<number> {
      let removed = 0;
      for (;;) {
        const ids = await store.pendingOlderThan(olderThan, 500);
        if (ids.length === 0) return removed;
        for (const id of ids) if (await store.remove(id)) removed++;
        if (ids.length < 500) return removed;
        // each pass removes its page from the pending index, so the loop ends
      }
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
export { InvalidAddressError };
