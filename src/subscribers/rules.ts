// Rules about a subscriber record that more than one entry point applies (the send path
// and the bounce webhook; the CLI's import and forget), written once here so the CLI and
// the routes stay thin.
import type { RedisClient } from '../redis.js';
import type { Keyspace } from '../keys.js';
import { emailHash, normaliseEmail } from './address.js';
import type { Consent, Subscriber, SubscriberStatus } from './model.js';
import type { SignupInput } from './schemas.js';
import type { Subscriptions } from './service.js';
import type { SubscriberStore } from './store.js';

/** What the suppression rule needs of the store. */
interface SuppressionStore {
  suppress(email: string, reason: string): Promise<unknown>;
  findByEmail(email: string): Promise<Subscriber | null>;
  setStatus(id: string, status: SubscriberStatus): Promise<unknown>;
}

/**
 * A hard bounce or a complaint: the address is never mailed again, and the reader's status
 * says why, unless they had already unsubscribed (their own choice stays on record).
 * `known`: the record when the caller has it (the send path), else it is looked up.
 */
export async function markUndeliverable(
  store: SuppressionStore,
  email: string,
  why: { status: 'bounced' | 'complained'; reason: string },
  known?: Subscriber | null,
): Promise<Subscriber | null> {
  await store.suppress(email, why.reason);
  const sub = known === undefined ? await store.findByEmail(email) : known;
  if (sub && sub.status !== 'unsubscribed') await store.setStatus(sub.id, why.status);
  return sub;
}

/** Delete everything about one person; keep only a hashed suppression entry. */
export async function forget(deps: { store: SubscriberStore; redis: RedisClient; keys: Keyspace }, rawEmail: string): Promise<boolean> {
  const email = normaliseEmail(rawEmail);
  const sub = await deps.store.findByEmail(email);
  if (sub) await deps.store.remove(sub.id);
  await deps.store.suppress(email, 'forgotten');
  await deps.redis.del(deps.keys.confirmMailSent(emailHash(email)));
  return sub !== null;
}

export interface ImportRow {
  /** The row's fields, validated by the signup schema (`subscriptions.schemas.signup`). */
  input: SignupInput;
  /** The row's `status` column, lower-cased ('' when absent). */
  status: string;
  consent: Consent;
  confirmedAt: string | null;
}

export type ImportOutcome = 'imported' | 'existing' | 'suppressed';

/**
 * One row of an imported list. Bounced or complained rows suppress their address; a
 * suppressed or present address is left alone; `confirmed` (the operator vouches for
 * consent) creates confirmed or unsubscribed records as the row says; anything else gets
 * the same double opt-in as a signup.
 */
export async function importRow(
  deps: { store: SubscriberStore; subscriptions: Subscriptions; defaults: { timezone: string; sendHour: number } },
  row: ImportRow,
  confirmed: boolean,
  at = new Date(),
): Promise<ImportOutcome> {
  const email = normaliseEmail(row.input.email);
  if (row.status === 'bounced' || row.status === 'complained') {
    await deps.store.suppress(email, `import:${row.status}`);
    return 'suppressed';
  }
  if (await deps.store.isSuppressed(email)) return 'suppressed';
  if (await deps.store.findByEmail(email)) return 'existing';
  const asConfirmed = confirmed && (row.status === '' || row.status === 'confirmed');
  if (row.status === 'unsubscribed' || asConfirmed) {
    await deps.store.create({
      email,
      name: row.input.name ?? '',
      topics: row.input.topics ?? [...deps.subscriptions.topics].sort(),
      timezone: row.input.timezone ?? deps.defaults.timezone,
      sendHour: row.input.sendHour ?? deps.defaults.sendHour,
      weekdaysOnly: row.input.weekdaysOnly ?? false,
      ...(row.input.cadence ? { cadence: row.input.cadence } : {}),
      ...(row.input.weeklyDay ? { weeklyDay: row.input.weeklyDay } : {}),
      ...(row.input.watchlist ? { watchlist: row.input.watchlist } : {}),
      status: asConfirmed ? 'confirmed' : 'unsubscribed',
      consent: row.consent,
      confirmedAt: asConfirmed ? (row.confirmedAt ?? at.toISOString()) : null,
      unsubscribedAt: asConfirmed ? null : at.toISOString(),
    });
  } else {
    // Consent not proven: the same double opt-in as a signup (confirmation mail via the outbox).
    await deps.subscriptions.subscribe({ ...row.input, email }, { ip: row.consent.ip, userAgent: 'digest subscribers import', source: 'import' });
  }
  return 'imported';
}
