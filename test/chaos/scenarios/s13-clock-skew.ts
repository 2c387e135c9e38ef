// 13. Workers whose clocks are 2 minutes off, one ahead and one behind, send a scheduled
// edition: each reader gets one digest, none before the slot, and the worker behind does not
// spin while it waits.
//
// Redis's clock cannot be moved, so the world is: every process's clock is set forward by W
// so that an hour boundary (the slot) comes SETUP + HOLD after the start, and SEND_LEAD_SEC = W
// moves the ledger's earliest send by as much (notBefore = slot − W: the real instant the
// world's clock reaches the slot, judged by Redis's TIME). Against the world's clock, worker A
// runs 2 min ahead and worker B 2 min behind; scheduler 1 runs HOLD ahead, so the edition is
// built (on A or B) and fanned out HOLD before the slot and the workers must hold back;
// scheduler 2 runs 2 min behind. Each worker reaches Redis through a tap that records its
// commands, and the relay records when each message arrived (the machine's clock).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { editionIdForSlot } from '../../../src/editions/model.js';
import { localParts } from '../../../src/editions/slots.js';
import { loadLua } from '../../../src/lua.js';
import { QUEUE } from '../../../src/queues/names.js';
import { sleep, waitUntil } from '../lib/children.js';
import { CONCURRENCY } from '../lib/edition-run.js';
import { createWorld } from '../lib/env.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import { sha1, startRedisTap, type RedisTap, type TappedCommand } from '../lib/redis-tap.js';
import type { Scale, Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor, type Audience } from '../lib/seed.js';

const HOUR = 3_600_000;
const SKEW_MS = 120_000;
const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York'];
/** From the start to the moment the edition job is enqueued: processes up, stories, readers. */
const SETUP_MS: Record<Scale['name'], number> = { ci: 20_000, short: 22_000, full: 25_000 };
/** How long before the slot scheduler 1 enqueues the edition (how long the workers hold back). */
const HOLD_MS: Record<Scale['name'], number> = { ci: 10_000, short: 25_000, full: 120_000 };
/**
 * A worker waiting for the slot: more commands a second than this is a loop (idle, a worker sends
 * ~10–25: BullMQ's blocking reads, stalled checks, heartbeats; one re-checking every 5 ms, ~2,000).
 */
const SPIN_COMMANDS_PER_SEC = 150;
/**
 * Jobs parked by the worker behind look due to the one ahead, which claims, is refused and parks
 * them by its own clock. The handover goes in rounds of a BullMQ wake-up (up to 10 s): each round
 * the worker ahead promotes every job the one behind parked, and the two take about half each, so
 * claims go on for log2(readers) rounds, about 2 per reader in all. More than MAX_CLAIMS per reader
 * before the slot, or a reader claimed more often than once per RECHECK_FLOOR_SEC, is a loop.
 */
const MAX_CLAIMS = 8;
const RECHECK_FLOOR_SEC = 5;

/** SHA1s of the ledger's claim scripts (any `ledger-claim*.lua`), as ioredis sends them with EVALSHA. */
function claimScripts(): Set<string> {
  const dir = join('src', 'delivery', 'lua');
  return new Set(readdirSync(dir).filter((f) => /^ledger-claim.*\.lua$/.test(f)).map((f) => sha1(loadLua(join(dir, f)))));
}

async function gauge(apiUrl: string, name: string, role: string): Promise<number | null> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const m = new RegExp(`^${name}\\{role="${role}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

export const clockSkew: Scenario = {
  id: 13,
  name: 'workers with clocks 2 min ahead and behind, a scheduled slot',
  async run(seed, scale) {
    const t0 = Date.now();
    const hold = HOLD_MS[scale.name];
    // The real instant the slot comes, a whole second (SEND_LEAD_SEC is in seconds).
    const slotReal = Math.ceil((t0 + SETUP_MS[scale.name] + hold) / 1000) * 1000;
    // The world's slot: an hour boundary at least 3 min ahead, so no clock of the run (W − 2 min) is behind the machine's.
    const slot = Math.ceil((slotReal + 180_000) / HOUR) * HOUR;
    const W = slot - slotReal;
    const w = await createWorld({
      seed,
      system: { clockOffsetMs: W, env: { SEND_LEAD_SEC: String(W / 1000), SEND_CONCURRENCY: String(CONCURRENCY), JOB_LOCK_SEC: scale.name === 'ci' ? '5' : '10' } },
    });
    const taps: RedisTap[] = [];
    const notes: string[] = [`slot ${new Date(slot).toISOString()} comes at ${new Date(slotReal).toISOString().slice(11, 19)} real time (every clock +${(W / 60_000).toFixed(1)} min, SEND_LEAD_SEC ${W / 1000})`];
    const violations: string[] = [];
    try {
      const target = { host: '127.0.0.1', port: w.redis!.port };
      const [tapA, tapB] = [await startRedisTap(target), await startRedisTap(target)];
      taps.push(tapA, tapB);
      // Readers first: scheduler 1 may tick at the slot as soon as it is up. Readers of the slot in
      // three zones, and readers of the next hour (must get nothing now).
      const store = storeFor(w.client, w.prefix);
      const rng = w.rng.fork('seed');
      const audience: Audience = { readers: new Map(), forbidden: new Map() };
      const per = Math.max(10, Math.round(scale.readers / ZONES.length));
      for (const tz of ZONES) {
        const a = await seedAudience(store, rng, { readers: per, others: 2, timezone: tz, sendHour: localParts(new Date(slot), tz).hour, tag: `due-${tz.replace(/\W/g, '')}-` });
        a.readers.forEach((v, k) => audience.readers.set(k, v));
        a.forbidden.forEach((v, k) => audience.forbidden.set(k, v));
      }
      const blocked = 2 * ZONES.length;
      const later = await seedAudience(store, rng, { readers: Math.ceil(per / 2), others: 0, timezone: 'UTC', sendHour: (new Date(slot).getUTCHours() + 1) % 24, tag: 'later-' });
      later.readers.forEach((v, k) => audience.forbidden.set(k, v));

      // Everything at once. Scheduler 1 enqueues the slot when its clock reaches it: `hold` before the real slot.
      const started = await w.system.start({
        api: true,
        also: [
          { role: 'worker', env: { REDIS_URL: tapA.url }, clockOffsetMs: W + SKEW_MS },
          { role: 'worker', env: { REDIS_URL: tapB.url }, clockOffsetMs: W - SKEW_MS },
          { role: 'scheduler', clockOffsetMs: W + hold },
          { role: 'scheduler', clockOffsetMs: W - SKEW_MS },
        ],
      });
      const [ahead, behind] = [started[0]!, started[1]!];
      await w.waitStories();
      const enqueueAt = slotReal - hold;
      const setupMs = Date.now() - t0;
      notes.push(`set up in ${(setupMs / 1000).toFixed(1)} s (budget ${SETUP_MS[scale.name] / 1000} s)${Date.now() > enqueueAt ? `: the edition was enqueued ${((Date.now() - enqueueAt) / 1000).toFixed(1)} s late` : ''}`);
      const editionId = editionIdForSlot(new Date(slot), 'scheduled');
      const ledgerMeta = `${w.prefix}:ledger:${editionId}:meta`;

      // Fanned out, every reader queued: from here on the workers only wait for the slot.
      const fannedOutAt = await waitUntil('the edition to be fanned out', async () => ((await w.client.hget(ledgerMeta, 'fanoutDoneAt')) ? Date.now() : undefined), slotReal - Date.now() + 60_000, 100);
      const notBefore = Number(await w.client.hget(ledgerMeta, 'notBefore'));
      if (notBefore !== slotReal) violations.push(`ledger notBefore ${new Date(notBefore).toISOString()} ≠ the slot's real instant ${new Date(slotReal).toISOString()}`);
      if (fannedOutAt >= slotReal - 2000) violations.push(`fanned out ${((fannedOutAt - slotReal) / 1000).toFixed(1)} s from the slot: no hold-back to test (setup too slow)`);
      // Operators see both workers and both schedulers alive, whatever their clocks say.
      const aliveAt = Math.min(slotReal - 1000, Math.max(Date.now(), enqueueAt + 6000));
      await sleep(Math.max(0, aliveAt - Date.now()));
      const [workersAlive, schedulersAlive] = [await gauge(w.system.apiUrl, 'digest_instances_alive', 'worker'), await gauge(w.system.apiUrl, 'digest_instances_alive', 'scheduler')];
      if (workersAlive !== 2 || schedulersAlive !== 2) violations.push(`/metrics digest_instances_alive: worker ${workersAlive ?? 'absent'}, scheduler ${schedulersAlive ?? 'absent'} (want 2 and 2; heartbeats judged by one process's clock?)`);

      const report = await w.waitFinished(editionId, Math.max(0, slotReal - Date.now()) + 120_000);
      const { received } = await w.smtp.received();
      const digests = received.filter((r) => r.kind === 'digest' && r.messageId.startsWith(`<${editionId}.`));
      const first = Math.min(...digests.map((r) => r.at));
      const last = Math.max(...digests.map((r) => r.at));
      const early = digests.filter((r) => r.at < slotReal);
      if (early.length) violations.push(`${early.length} digests before the slot (first ${((slotReal - first) / 1000).toFixed(3)} s early)`);
      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound: 0, queued: audience.readers.size + blocked });
      violations.push(...check.violations);
      const jobs = await w.queue(QUEUE.edition).getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
      const forSlot = jobs.filter((j) => (j.data as { slot?: string }).slot === new Date(slot).toISOString());
      if (forSlot.length !== 1) violations.push(`${forSlot.length} edition jobs for the slot (want 1)`);
      const others = received.filter((r) => r.kind === 'digest' && !r.messageId.startsWith(`<${editionId}.`));
      if (others.length) violations.push(`${others.length} digests of other editions (e.g. ${others[0]!.messageId})`);
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      if (metrics.note) notes.push(metrics.note);
      violations.push(...metrics.violations, ...w.system.unexpectedDeaths());

      // How hard each worker asked while it waited: claims before the slot, and every command a
      // second once the fan-out was done (nothing to do but wait).
      const claims = claimScripts();
      const queued = audience.readers.size + blocked;
      const isClaim = (c: TappedCommand) => c.script !== undefined && claims.has(c.script);
      const idleFrom = fannedOutAt + 1000;
      const idleTo = slotReal - 500;
      const idleSec = Math.max(0.001, (idleTo - idleFrom) / 1000);
      for (const [member, tap] of [[ahead, tapA], [behind, tapB]] as const) {
        const label = `${member.name} (${member.clockOffsetMs > W ? '2 min ahead' : '2 min behind'})`;
        const early = tap.count(t0, slotReal, isClaim);
        const idleClaims = tap.count(idleFrom, idleTo, isClaim);
        const perSec = tap.count(idleFrom, idleTo) / idleSec;
        notes.push(`${label}: ${early} claims before the slot (${idleClaims} in the last ${idleSec.toFixed(1)} s), ${perSec.toFixed(1)} Redis commands/s while waiting, ${tap.count(slotReal, Infinity, isClaim)} claims after`);
        if (perSec > SPIN_COMMANDS_PER_SEC) violations.push(`${label} sent ${perSec.toFixed(0)} Redis commands/s while waiting for the slot (a loop; idle is 10–25)`);
        if (idleClaims / idleSec > queued / RECHECK_FLOOR_SEC) violations.push(`${label} claimed ${idleClaims} times in the ${idleSec.toFixed(1)} s before the slot for ${queued} queued readers (re-checking in a loop)`);
      }
      const beforeSlot = tapA.count(t0, slotReal, isClaim) + tapB.count(t0, slotReal, isClaim);
      const afterSlot = tapA.count(slotReal, Infinity, isClaim) + tapB.count(slotReal, Infinity, isClaim);
      // Every send claims: none seen means the claim scripts were renamed, and the counts above say nothing.
      if (afterSlot === 0) violations.push(`the taps saw no ledger claim (EVALSHA of src/delivery/lua/ledger-claim*.lua): claimScripts() is out of date`);
      notes.push(`${(beforeSlot / queued).toFixed(1)} claims per queued reader before the slot`);
      if (beforeSlot > MAX_CLAIMS * queued) violations.push(`${beforeSlot} claims before the slot for ${queued} queued readers (more than ${MAX_CLAIMS} each: a loop)`);
      // startedAt and finishedAt are written by the clock of the worker that built the edition / sent last.
      const skewOf = (iso: string | null, real: number) => (iso ? Math.round((Date.parse(iso) - W - real) / 60_000) : NaN);
      const clockName = (min: number) => (min > 0 ? `${min} min ahead` : min < 0 ? `${-min} min behind` : 'on time');
      notes.push(
        `held back ${((slotReal - fannedOutAt) / 1000).toFixed(1)} s after the fan-out; first digest ${((first - slotReal) / 1000).toFixed(3)} s after the slot, last ${((last - slotReal) / 1000).toFixed(1)} s; ` +
          `edition built by the worker ${clockName(skewOf(report.startedAt, fannedOutAt))}, last outcome written by the one ${clockName(skewOf(report.finishedAt, last))}: ` +
          `the ledger says done ${((Date.parse(report.finishedAt!) - slot) / 1000).toFixed(1)} s after the slot (digest_edition_lag_seconds), the relay ${((last - slotReal) / 1000).toFixed(1)} s`,
      );
      return { tally: check.tally, violations, notes };
    } finally {
      await w.close();
      for (const t of taps) await t.close();
    }
  },
};
