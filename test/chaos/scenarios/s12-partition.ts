// 12. A network partition between one worker and Redis while an edition is sending: the
// worker reaches Redis through a TCP proxy that goes silent for 10–20 s (6 s in ci), then
// cuts the stalled connections. Its jobs must be taken over by the other worker, nothing may
// double, the outcomes it had from the relay must land once it is back, and it must rejoin.
import { waitUntil } from '../lib/children.js';
import { createWorld } from '../lib/env.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';
import { startTcpProxy } from '../lib/tcp-proxy.js';

const CONCURRENCY = 10;

export const partition: Scenario = {
  id: 12,
  name: 'network partition between one worker and Redis',
  async run(seed, scale) {
    const env = { SEND_CONCURRENCY: String(CONCURRENCY), SEND_RATE_PER_SEC: String(Math.ceil(scale.readers / 8)), JOB_LOCK_SEC: scale.name === 'ci' ? '5' : '10' };
    const w = await createWorld({ seed, system: { env } });
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: w.redis!.port });
    const notes: string[] = [];
    try {
      await w.system.start({ api: true, workers: 1 });
      const cut = await w.system.add('worker', { REDIS_URL: proxy.url });
      const audience = await seedAudience(storeFor(w.client, w.prefix), w.rng.fork('seed'), { readers: scale.readers });
      await w.waitStories();
      const blocked = [...audience.forbidden.values()].filter((e) => e.includes('-blocked-')).length;
      const editionId = await w.sendNow();
      const at = await waitUntil('20% sent', async () => {
        const r = await w.report(editionId);
        return r.sent >= 0.2 * scale.readers || r.finishedAt ? r : undefined;
      }, 240_000, 10);
      const ms = scale.name === 'ci' ? 6000 : w.rng.int(10_000, 20_000);
      await proxy.partition(ms);
      notes.push(`${cut.name} cut off from Redis for ${ms} ms at ${at.sent} sent`);
      const report = await w.waitFinished(editionId, 300_000);
      notes.push(`edition done: ${report.sent} sent, ${report.unknown} unknown`);
      // Rejoined: its BullMQ workers are registered again.
      const rejoined = await w.system.waitWorkers(60_000).then(() => true, () => false);
      const { received } = await w.smtp.received();
      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound: CONCURRENCY, queued: audience.readers.size + blocked });
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      const violations = [...check.violations, ...metrics.violations, ...w.system.unexpectedDeaths()];
      if (!rejoined) violations.push(`${cut.name} did not rejoin the send queue within 60 s of the partition`);
      return { tally: check.tally, violations, notes };
    } finally {
      await proxy.close();
      await w.close();
    }
  },
};
