// 1. kill -9 a worker at random moments during an edition, several times, and
// start a new one each time. The edition is sent by the operator's command
// (`digest edition send --now --wait`), whose printed funnel must match too.
import { QUEUE } from '../../../src/queues/names.js';
import { waitUntil } from '../lib/children.js';
import { createWorld } from '../lib/env.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';
import { keyspace } from '../../../src/keys.js';

const CONCURRENCY = 10;

export const killWorkers: Scenario = {
  id: 1,
  name: 'kill -9 workers mid-edition',
  async run(seed, scale) {
    const w = await createWorld({ seed, system: { env: { SEND_CONCURRENCY: String(CONCURRENCY), JOB_LOCK_SEC: scale.name === 'ci' ? '5' : '10' } } });
    const notes: string[] = [];
    try {
      await w.system.start({ api: true, schedulers: scale.name === 'ci' ? 0 : 1, workers: 2 });
      const audience = await seedAudience(storeFor(w.client, w.prefix), w.rng.fork('seed'), { readers: scale.readers, mix: true });
      await w.waitStories();
      const blocked = [...audience.forbidden.values()].filter((e) => e.includes('-blocked-')).length;

      // The operator's command, as a process, in the background.
      const cli = w.system.cli(['edition', 'send', '--now', '--wait'], 600_000);
      const keys = keyspace(w.prefix);
      const editionId = await waitUntil('the edition to be created', async () => (await w.client.zrange(keys.editionIndex(), -1, -1))[0], 60_000, 100);

      // Kill points: random fractions of the audience, spread across the send.
      const rng = w.rng.fork('kills');
      const points = Array.from({ length: scale.kills }, (_, i) => Math.floor(scale.readers * ((i + rng.next() * 0.8 + 0.1) / (scale.kills + 1))));
      for (const [i, at] of points.entries()) {
        await waitUntil(`${at} messages before kill ${i + 1}`, async () => {
          const r = await w.report(editionId);
          return r.sent + r.unknown >= at || r.finishedAt !== null;
        }, 300_000, 20);
        const victims = w.system.alive('worker');
        const victim = victims[rng.int(0, victims.length - 1)]!;
        const before = await w.report(editionId);
        await w.system.kill(victim, 'SIGKILL');
        notes.push(`kill ${i + 1}: ${victim.name} at ${before.sent} sent`);
        await w.system.add('worker');
      }
      const report = await w.waitFinished(editionId, 300_000);
      const out = await cli;
      const { received } = await w.smtp.received();
      const check = await checkEdition(w.client, w.prefix, received, {
        editionId,
        audience,
        inFlightBound: scale.kills * CONCURRENCY,
        queued: audience.readers.size + blocked,
      });
      const violations = [...check.violations];
      const printed = [...out.output.matchAll(/sent (\d+)\s+failed (\d+)\s+bounced (\d+)\s+unknown (\d+)/g)].at(-1); // the final line
      if (out.code !== 0 || !printed) violations.push(`edition send --wait exited ${out.code}: ${out.output.slice(-500)}`);
      else if (Number(printed[1]) !== report.sent || Number(printed[4]) !== report.unknown) {
        violations.push(`CLI printed sent ${printed[1]} unknown ${printed[4]}, ledger says ${report.sent} / ${report.unknown}`);
      }
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      violations.push(...metrics.violations, ...w.system.unexpectedDeaths());
      if (metrics.note) notes.push(metrics.note);
      const counts = await w.queue(QUEUE.send).getJobCounts('failed');
      if (counts.failed) notes.push(`${counts.failed} send jobs failed in BullMQ (the ledger decides outcomes)`);
      return { tally: check.tally, violations, notes };
    } finally {
      await w.close();
    }
  },
};
