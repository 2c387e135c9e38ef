// 4. Two schedulers and three workers at once; both schedulers go down just
// before a slot boundary (one kill -9, one SIGTERM) and come back after it.
// The schedulers run with their clock shifted so the boundary arrives 20 s after
// they start (a skewed host clock; the workers keep the real one). Readers of
// that slot in four time zones get exactly one digest; readers of other hours none.
import { editionIdForSlot } from '../../../src/editions/model.js';
import { localParts } from '../../../src/editions/slots.js';
import { WEEKDAYS } from '../../../src/subscribers/model.js';
import { QUEUE } from '../../../src/queues/names.js';
import { sleep } from '../lib/children.js';
import { createWorld } from '../lib/env.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor, type Audience } from '../lib/seed.js';

const HOUR = 3_600_000;
/** The boundary comes this long after the schedulers start; they are down GAP_MS either side of it. */
const LEAD_MS = 20_000;
const GAP_MS = 5_000;
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo'];

export const schedulers: Scenario = {
  id: 4,
  name: 'two schedulers, three workers, scheduler restart across a slot',
  async run(seed, scale) {
    // The schedulers' clocks are shifted (below) to bring a slot boundary into the scenario. The
    // workers never send before a slot by Redis's (real) clock; SEND_LEAD_SEC lets this edition
    // go out at the schedulers' boundary instead of the real one, up to an hour early.
    const w = await createWorld({ seed, system: { env: { SEND_LEAD_SEC: '3600' } } });
    const notes: string[] = [];
    try {
      // Workers and api first; the schedulers start once the slot is chosen.
      await w.system.start({ api: true, workers: 3 });
      await w.waitStories();
      const t0 = Date.now();
      const slot = Math.ceil((t0 + LEAD_MS + 1000) / HOUR) * HOUR;
      const offset = slot - LEAD_MS - t0;
      w.system.options.schedulerClockOffsetMs = offset;
      notes.push(`slot ${new Date(slot).toISOString()}; scheduler clocks shifted ${(offset / 60_000).toFixed(1)} min`);
      const store = storeFor(w.client, w.prefix);
      const rng = w.rng.fork('seed');
      const audience: Audience = { readers: new Map(), forbidden: new Map() };
      let blocked = 0;
      const per = Math.max(10, Math.round(scale.readers / 2 / ZONES.length));
      for (const tz of ZONES) {
        const a = await seedAudience(store, rng, { readers: per, others: 3, timezone: tz, sendHour: localParts(new Date(slot), tz).hour, tag: `due-${tz.replace(/\W/g, '')}-` });
        a.readers.forEach((v, k) => audience.readers.set(k, v));
        a.forbidden.forEach((v, k) => audience.forbidden.set(k, v));
        blocked += 3;
      }
      // Weekly readers of the same zones and hours but another day: the daily slot never touches them.
      for (const tz of ZONES.slice(0, 2)) {
        const day = WEEKDAYS[(localParts(new Date(slot), tz).weekday + 2) % 7]!;
        const weekly = await seedAudience(store, rng, { readers: Math.ceil(per / 2), others: 0, timezone: tz, sendHour: localParts(new Date(slot), tz).hour, tag: `weekly-${tz.replace(/\W/g, '')}-`, weeklyOn: day });
        weekly.readers.forEach((v, k) => audience.forbidden.set(k, v));
      }
      // Readers of another hour: due later, so nothing now.
      const later = await seedAudience(store, rng, { readers: per, others: 2, timezone: 'UTC', sendHour: (new Date(slot).getUTCHours() + 3) % 24, tag: 'later-' });
      later.readers.forEach((v, k) => audience.forbidden.set(k, v));
      later.forbidden.forEach((v, k) => audience.forbidden.set(k, v));
      await Promise.all([w.system.add('scheduler'), w.system.add('scheduler')]);
      const editionId = editionIdForSlot(new Date(slot), 'scheduled');
      if (await w.client.exists(`${w.prefix}:edition:${editionId}`)) notes.push('edition existed before the boundary (setup too slow?)');

      // Both schedulers down 10 s before the boundary…
      const untilDown = t0 + LEAD_MS - GAP_MS - Date.now();
      if (untilDown < 0) notes.push(`setup took ${((Date.now() - t0) / 1000).toFixed(0)} s: schedulers stopped late`);
      await sleep(Math.max(0, untilDown));
      const [a, b] = w.system.alive('scheduler');
      await Promise.all([w.system.kill(a!, 'SIGKILL'), w.system.kill(b!, 'SIGTERM')]);
      // …and back 10 s after it.
      await sleep(Math.max(0, slot - offset + GAP_MS - Date.now()));
      await Promise.all([w.system.add('scheduler'), w.system.add('scheduler')]);

      const report = await w.waitFinished(editionId, 240_000);
      const jobs = await w.queue(QUEUE.edition).getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
      const forSlot = jobs.filter((j) => (j.data as { slot?: string }).slot === new Date(slot).toISOString());
      const { received } = await w.smtp.received();
      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound: 0, queued: audience.readers.size + blocked });
      const violations = [...check.violations, ...w.system.unexpectedDeaths()];
      if (forSlot.length !== 1) violations.push(`${forSlot.length} edition jobs for the slot (want 1)`);
      const others = received.filter((r) => r.kind === 'digest' && !r.messageId.startsWith(`<${editionId}.`));
      if (others.length) violations.push(`${others.length} digests of other editions (e.g. ${others[0]!.messageId})`);
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      if (metrics.note) notes.push(metrics.note);
      violations.push(...metrics.violations);
      notes.push(`edition done ${((Date.parse(report.finishedAt!) - slot + offset) / 1000).toFixed(0)} s after the boundary (real time)`);
      return { tally: check.tally, violations, notes };
    } finally {
      await w.close();
    }
  },
};
