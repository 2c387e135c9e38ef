// 2. Restart Redis (the suite's own, AOF on) in the middle of fan-out and again
// in the middle of sending. Redis shuts down cleanly (SIGTERM flushes the AOF);
// every process must ride it out, and /readyz must come back.
import { waitUntil } from '../lib/children.js';
import { createWorld } from '../lib/env.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';

const CONCURRENCY = 10;
const WORKERS = 2;

export const redisRestart: Scenario = {
  id: 2,
  name: 'Redis restarted during fan-out and sending',
  async run(seed, scale) {
    const w = await createWorld({ seed, system: { env: { SEND_CONCURRENCY: String(CONCURRENCY) } } });
    const notes: string[] = [];
    try {
      await w.system.start({ api: true, schedulers: scale.name === 'ci' ? 0 : 1, workers: WORKERS });
      const audience = await seedAudience(storeFor(w.client, w.prefix), w.rng.fork('seed'), { readers: scale.readers, mix: true });
      await w.waitStories();
      const blocked = [...audience.forbidden.values()].filter((e) => e.includes('-blocked-')).length;
      const downMs = scale.name === 'ci' ? 500 : w.rng.int(1000, 3000);

      const editionId = await w.sendNow();
      // 1: as soon as the fan-out has queued something and is not done.
      const phase1 = await waitUntil('fan-out to start', async () => {
        const r = await w.report(editionId);
        return r.queued > 0 ? r : undefined;
      }, 60_000, 5);
      const r1 = await w.redis!.restart(downMs);
      notes.push(`restart 1 at queued ${phase1.queued}, fan-out ${phase1.fanoutDoneAt ? 'already done' : 'in progress'}, sent ${phase1.sent}; down ${r1.downMs} ms`);

      // 2: when a random share of the readers has been sent.
      const share = 0.3 + w.rng.next() * 0.4;
      const phase2 = await waitUntil(`${Math.round(share * 100)}% sent`, async () => {
        const r = await w.report(editionId);
        return r.sent >= share * scale.readers || r.finishedAt ? r : undefined;
      }, 240_000, 20);
      const r2 = await w.redis!.restart(downMs);
      notes.push(`restart 2 at ${phase2.sent} sent; down ${r2.downMs} ms`);

      const readyAgain = await waitUntil('/readyz 200 after the restart', async () => {
        const res = await fetch(`${w.system.apiUrl}/readyz`).catch(() => null);
        return res?.status === 200 ? true : res?.status === 404 ? 'no /readyz' : undefined;
      }, 20_000, 250).catch((e: Error) => e.message);
      if (readyAgain !== true) notes.push(`readyz: ${String(readyAgain)}`);

      await w.waitFinished(editionId, 300_000);
      const { received } = await w.smtp.received();
      const check = await checkEdition(w.client, w.prefix, received, {
        editionId,
        audience,
        // A clean restart loses nothing: every outcome is written once Redis is back, so no `unknown`.
        inFlightBound: 0,
        queued: audience.readers.size + blocked,
      });
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      if (metrics.note) notes.push(metrics.note);
      const violations = [...check.violations, ...metrics.violations, ...w.system.unexpectedDeaths()];
      if (typeof readyAgain === 'string' && readyAgain.startsWith('timed out')) violations.push(`/readyz did not recover: ${readyAgain}`);
      return { tally: check.tally, violations, notes };
    } finally {
      await w.close();
    }
  },
};
