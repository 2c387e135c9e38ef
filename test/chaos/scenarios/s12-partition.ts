// 12. A network partition between one worker and Redis while an edition is sending: the
// worker reaches Redis through a TCP proxy that goes silent for 10–20 s (6 s in ci), then
// cuts the stalled connections. Its jobs must be taken over by the other worker, nothing may
// double, the outcomes it had from the relay must land once it is back, and it must rejoin.
import { CONCURRENCY, finishAndCheck, sendingEnv, startSending, waitShareSent } from '../lib/edition-run.js';
import { createWorld } from '../lib/env.js';
import type { Scenario } from '../lib/scenario.js';
import { startTcpProxy } from '../lib/tcp-proxy.js';

export const partition: Scenario = {
  id: 12,
  name: 'network partition between one worker and Redis',
  async run(seed, scale) {
    const w = await createWorld({ seed, system: { env: sendingEnv(scale, 8) } });
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: w.redis!.port });
    const notes: string[] = [];
    try {
      await w.system.start({ api: true, workers: 1 });
      const cut = await w.system.add('worker', { REDIS_URL: proxy.url });
      const sending = await startSending(w, scale);
      const at = await waitShareSent(w, sending, scale, 0.2);
      const ms = scale.name === 'ci' ? 6000 : w.rng.int(10_000, 20_000);
      await proxy.partition(ms);
      notes.push(`${cut.name} cut off from Redis for ${ms} ms at ${at.sent} sent`);
      const result = await finishAndCheck(w, sending, CONCURRENCY);
      const report = await w.report(sending.editionId);
      notes.push(`edition done: ${report.sent} sent, ${report.unknown} unknown`);
      // Rejoined: its BullMQ workers are registered again.
      if (!(await w.system.waitWorkers(60_000).then(() => true, () => false))) result.violations.push(`${cut.name} did not rejoin the send queue within 60 s of the partition`);
      return { ...result, notes };
    } finally {
      await proxy.close();
      await w.close();
    }
  },
};
