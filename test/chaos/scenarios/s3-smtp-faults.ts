// 3. The relay misbehaves during one edition, in phases: refuses connections
// (30 s in the full run), then (after a fault-free phase, the baseline) answers 421 to
// one message in five, then drops the connection mid-DATA (one in ten), then takes 1 s
// per message; then recovers. The send rate is capped so that the edition lasts through
// the phases; the 421 phase must keep at least half the baseline's rate (adaptive sending).
import { sleep, waitUntil } from '../lib/children.js';
import { createWorld } from '../lib/env.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';

export const smtpFaults: Scenario = {
  id: 3,
  name: 'SMTP refuses, 421s, drops mid-DATA, slow',
  async run(seed, scale) {
    const readers = Math.round(scale.readers / 2);
    const rate = Math.max(5, Math.round(readers / (4 * (scale.faultPhaseMs / 1000))));
    const w = await createWorld({ seed, system: { env: { SEND_CONCURRENCY: '10', SMTP_OUTAGE_PAUSE_SEC: String(scale.outagePauseSec), SEND_RATE_PER_SEC: String(rate) } } });
    const notes: string[] = [];
    const violations: string[] = [];
    try {
      await w.system.start({ api: true, schedulers: scale.name === 'ci' ? 0 : 1, workers: 2 });
      const audience = await seedAudience(storeFor(w.client, w.prefix), w.rng.fork('seed'), { readers, mix: true });
      await w.waitStories();
      const blocked = [...audience.forbidden.values()].filter((e) => e.includes('-blocked-')).length;

      const rates = new Map<string, number | null>();
      const t0 = Date.now();
      // The relay goes away just before the edition starts.
      await w.smtp.refuse(scale.refuseMs);
      const editionId = await w.sendNow();
      await sleep(Math.max(0, scale.refuseMs - (Date.now() - t0)));
      // The queue was paused for SMTP_OUTAGE_PAUSE_SEC on the first refusal: wait until it sends again.
      const resumed = await waitUntil('sending to resume after the outage', async () => {
        const r = await w.report(editionId);
        return r.sent > 0 || r.finishedAt ? r : undefined;
      }, scale.refuseMs + scale.outagePauseSec * 1000 + 60_000, 100);
      notes.push(`relay refused connections for ${scale.refuseMs / 1000} s; sending resumed ${((Date.now() - t0) / 1000).toFixed(1)} s after the send (pause ${scale.outagePauseSec} s)`);
      if (resumed.finishedAt) notes.push('edition finished before the fault phases');
      const phases: [string, Parameters<typeof w.smtp.faults>[0]][] = [
        ['no fault (baseline)', {}],
        ['421 to one message in five', { tempfail: 0.2 }],
        ['connection dropped mid-DATA, one in ten', { dropMidData: 0.1 }],
        ['accepted, then the connection cut before the 250, one in ten', { dropAfterAccept: 0.1 }],
        ['1 s per message', { slowMs: 1000 }],
      ];
      for (const [label, faults] of phases) {
        // A 421 pauses the queue for SMTP_OUTAGE_PAUSE_SEC: start each phase once sending runs again.
        const start = await w.report(editionId);
        await waitUntil('sending to run before the next phase', async () => {
          const r = await w.report(editionId);
          return r.sent > start.sent || r.finishedAt ? true : undefined;
        }, scale.outagePauseSec * 1000 + 30_000, 100);
        const before = await w.report(editionId);
        const phaseStart = Date.now();
        notes.push(`${label} from ${new Date().toISOString().slice(11, 23)}`);
        await w.smtp.faults(faults);
        // At least the phase's length and at least 10 sends through the fault (bounded).
        await sleep(scale.faultPhaseMs);
        await waitUntil(`10 sends during "${label}"`, async () => {
          const r = await w.report(editionId);
          return r.sent - before.sent >= 10 || r.finishedAt ? true : undefined;
        }, 180_000, 100);
        const after = await w.report(editionId);
        const perSec = (after.sent - before.sent) / ((Date.now() - phaseStart) / 1000);
        rates.set(label, after.finishedAt ? null : perSec);
        notes.push(`${label}: ${after.sent - before.sent} sent (${perSec.toFixed(1)} msg/s)`);
      }
      const [base, throttled] = [rates.get('no fault (baseline)'), rates.get('421 to one message in five')];
      if (base && throttled) {
        notes.push(`421 to one in five: ${(throttled / base).toFixed(2)} × the fault-free rate (cap ${rate} msg/s)`);
        if (scale.name !== 'ci' && throttled / base < 0.5) violations.push(`421 to one in five sent at ${(throttled / base).toFixed(2)} × the fault-free rate (goal ≥ 0.5)`);
      } else notes.push('the edition finished before the 421 phase ended: no rate ratio');
      await w.smtp.faults({});
      const report = await w.waitFinished(editionId, 600_000);
      const { received, counters } = await w.smtp.received();
      notes.push(
        `relay counted ${counters.tempfailed} 421s, ${counters.dropped} dropped connections, ${counters.droppedAfterAccept} cut after accepting, ${counters.refusedWindows} refusal window; ` +
          `edition done ${((Date.parse(report.finishedAt!) - t0) / 1000).toFixed(0)} s after the send`,
      );
      // No process died; a connection cut with a message in flight ends that send `unknown`
      // (never resent: the relay may have it), so only those can be unknown.
      const inFlightBound = counters.dropped + counters.droppedAfterAccept;
      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound, queued: audience.readers.size + blocked });
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      if (metrics.note) notes.push(metrics.note);
      return { tally: check.tally, violations: [...violations, ...check.violations, ...metrics.violations, ...w.system.unexpectedDeaths()], notes };
    } finally {
      await w.close();
    }
  },
};
