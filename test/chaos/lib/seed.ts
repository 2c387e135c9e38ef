// Readers and non-readers written through the real subscriber store, so every
// index (confirmed list, slots, status counts, suppression) is as the service keeps it.
import type { RedisClient } from '../../../src/redis.js';
import { keyspace } from '../../../src/keys.js';
import { createSubscriberStore, type SubscriberStore } from '../../../src/subscribers/store.js';
import { WEEKDAYS, type SubscriberStatus, type Weekday } from '../../../src/subscribers/model.js';
import type { Rng } from './prng.js';

export interface Audience {
  /** Confirmed and not suppressed: each must get exactly one digest per edition. */
  readers: Map<string, string>; // subscriber id → address
  /** Must get nothing: unsubscribed, bounced, complained, pending, or suppressed. */
  forbidden: Map<string, string>;
}

export interface SeedOptions {
  readers: number;
  /** Per kind of non-reader (default 10 each). */
  others?: number;
  timezone?: string;
  sendHour?: number;
  /** Address prefix, so two seeds in one prefix do not collide. */
  tag?: string;
  /** Names a reader may have (personalised into every mail). */
  names?: string[];
  /** Readers' choices at random: a third weekly on a random day, half with a watchlist. */
  mix?: boolean;
  /** Every reader weekly on this day instead (overrides `mix`'s cadence). */
  weeklyOn?: Weekday;
}

const TOPIC_SETS: string[][] = [['markets'], ['world'], ['markets', 'world']];
/** Symbols of config/sources.json (what the chaos system runs with): watchlists pick from these. */
const WATCHABLE = ['^GSPC', '^IXIC', '^DJI', '^FTSE', '^GDAXI', 'CL=F', 'GC=F', 'EURUSD=X', 'BTC-USD', '^TNX'];

/** A third weekly on a random day, half with a watchlist of one to five instruments. */
function choices(rng: Rng) {
  const watchlist = rng.int(0, 1) ? [...new Set(Array.from({ length: rng.int(1, 5) }, () => rng.pick(WATCHABLE)))] : [];
  return { cadence: rng.int(0, 2) === 0 ? ('weekly' as const) : ('daily' as const), weeklyDay: rng.pick(WEEKDAYS), watchlist };
}

export function storeFor(redis: RedisClient, prefix: string): SubscriberStore {
  return createSubscriberStore({ redis, keys: keyspace(prefix) });
}

export async function seedAudience(store: SubscriberStore, rng: Rng, o: SeedOptions): Promise<Audience> {
  const tag = (o.tag ?? 'r').toLowerCase(); // addresses are stored normalised
  const at = new Date().toISOString();
  const audience: Audience = { readers: new Map(), forbidden: new Map() };
  const others = o.others ?? 10;
  type Plan = { email: string; status: SubscriberStatus; suppress: boolean };
  const plan: Plan[] = [];
  for (let i = 0; i < o.readers; i++) plan.push({ email: `${tag}${i}@readers.example.test`, status: 'confirmed', suppress: false });
  for (const status of ['unsubscribed', 'bounced', 'complained', 'pending'] as const) {
    for (let i = 0; i < others; i++) plan.push({ email: `${tag}-${status}-${i}@others.example.test`, status, suppress: status !== 'unsubscribed' && status !== 'pending' });
  }
  // Confirmed in the store but on the suppression list (an operator block): checked at send time.
  for (let i = 0; i < others; i++) plan.push({ email: `${tag}-blocked-${i}@others.example.test`, status: 'confirmed', suppress: true });
  // Shuffle so non-readers sit between readers in id order (fan-out pages cross them).
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  for (let i = 0; i < plan.length; i += 100) {
    await Promise.all(
      plan.slice(i, i + 100).map(async (p) => {
        const { subscriber } = await store.create({
          email: p.email,
          name: o.names ? rng.pick(o.names) : `Reader ${rng.int(1, 9999)}`,
          status: p.status,
          topics: rng.pick(TOPIC_SETS),
          timezone: o.timezone ?? 'UTC',
          sendHour: o.sendHour ?? 7,
          weekdaysOnly: false,
          ...(o.mix ? choices(rng) : {}),
          ...(o.weeklyOn ? { cadence: 'weekly' as const, weeklyDay: o.weeklyOn } : {}),
          consent: { at, ip: '127.0.0.1', userAgent: 'chaos-seed', source: 'import-confirmed' },
          confirmedAt: p.status === 'confirmed' ? at : null,
          unsubscribedAt: p.status === 'unsubscribed' ? at : null,
        });
        if (p.suppress) await store.suppress(p.email, 'chaos seed');
        (p.status === 'confirmed' && !p.suppress ? audience.readers : audience.forbidden).set(subscriber.id, p.email);
      }),
    );
  }
  return audience;
}
