// The common frame of the Redis scenarios (8–12): a world whose workers send one "send now"
// edition to seeded readers at a capped rate (so an attack lands mid-send), a wait for a share
// of it to be sent, and the checks once it is done.
import type { Scale } from './scenario.js';
import { waitUntil } from './children.js';
import type { World } from './env.js';
import { checkEdition, checkMetrics, type Tally } from './invariants.js';
import { seedAudience, storeFor, type Audience } from './seed.js';

export const CONCURRENCY = 10;

/** Worker env: SEND_CONCURRENCY, a lock the suite can wait out, the rate that makes the edition last ~`seconds`. */
export function sendingEnv(scale: Scale, seconds: number, extra: Record<string, string> = {}): Record<string, string> {
  return { SEND_CONCURRENCY: String(CONCURRENCY), JOB_LOCK_SEC: scale.name === 'ci' ? '5' : '10', SEND_RATE_PER_SEC: String(Math.ceil(scale.readers / seconds)), ...extra };
}

export interface Sending {
  audience: Audience;
  /** Confirmed but suppressed readers: queued by the fan-out, skipped at send time. */
  blocked: number;
  editionId: string;
}

/** Seed the readers, have stories, start the edition. */
export async function startSending(w: World, scale: Scale): Promise<Sending> {
  const audience = await seedAudience(storeFor(w.client, w.prefix), w.rng.fork('seed'), { readers: scale.readers });
  await w.waitStories();
  const blocked = [...audience.forbidden.values()].filter((e) => e.includes('-blocked-')).length;
  return { audience, blocked, editionId: await w.sendNow() };
}

/** Until `share` of the readers were sent (or the edition is done); returns the report then. */
export function waitShareSent(w: World, s: Sending, scale: Scale, share: number) {
  return waitUntil(`${Math.round(share * 100)}% sent`, async () => {
    const r = await w.report(s.editionId);
    return r.sent >= share * scale.readers || r.finishedAt ? r : undefined;
  }, 240_000, 10);
}

/** Wait for the edition to finish, then every invariant (ledger, relay, /metrics, no process died). */
export async function finishAndCheck(w: World, s: Sending, inFlightBound: number): Promise<{ tally: Tally; violations: string[] }> {
  await w.waitFinished(s.editionId, 300_000);
  const { received } = await w.smtp.received();
  const check = await checkEdition(w.client, w.prefix, received, { editionId: s.editionId, audience: s.audience, inFlightBound, queued: s.audience.readers.size + s.blocked });
  const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
  return { tally: check.tally, violations: [...check.violations, ...metrics.violations, ...w.system.unexpectedDeaths()] };
}
