// 11. Redis reaches maxmemory (noeviction) while an edition is sending and people sign up:
// every write is refused for a while. Signups must answer 503 with Retry-After and store
// nothing half-way; sending must pause, with the reason in /readyz, /metrics and the edition
// report; when memory frees, everything resumes by itself and the invariants hold.
import { sleep, waitUntil } from '../lib/children.js';
import { CONCURRENCY, finishAndCheck, sendingEnv, startSending, waitShareSent } from '../lib/edition-run.js';
import { createWorld } from '../lib/env.js';
import type { Scenario } from '../lib/scenario.js';
import { keyspace } from '../../../src/keys.js';
import { createSubscriberStore } from '../../../src/subscribers/store.js';

const WORKERS = 2;

export const redisFull: Scenario = {
  id: 11,
  name: 'Redis maxmemory reached during sending and signups',
  async run(seed, scale) {
    const w = await createWorld({ seed, system: { env: sendingEnv(scale, 8) } });
    const notes: string[] = [];
    const violations: string[] = [];
    try {
      await w.system.start({ api: true, workers: WORKERS });
      const sending = await startSending(w, scale);
      const { editionId } = sending;
      await waitShareSent(w, sending, scale, 0.2);

      // Full: a limit below what is used refuses every write that could grow memory.
      await w.client.config('SET', 'maxmemory', '1mb');
      const fullMs = scale.name === 'ci' ? 4000 : w.rng.int(6000, 12_000);
      const t0 = Date.now();
      const sentAtFull = (await w.report(editionId)).sent;
      await sleep(1500); // sends already past their claim finish; then nothing moves
      const frozen = (await w.report(editionId)).sent;

      const refused: string[] = [];
      for (let i = 0; i < 5; i++) {
        const email = `full-${seed}-${i}@signup.test`;
        const res = await fetch(`${w.system.apiUrl}/api/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email }) });
        if (res.status !== 503 || !res.headers.get('retry-after')) violations.push(`signup while Redis is full answered ${res.status} (Retry-After ${res.headers.get('retry-after')}), not 503 + Retry-After`);
        refused.push(email);
      }
      const ready = await fetch(`${w.system.apiUrl}/readyz`);
      const readyBody = (await ready.json()) as { reason?: string };
      if (ready.status !== 503 || !/maxmemory/.test(readyBody.reason ?? '')) violations.push(`/readyz while full: ${ready.status} ${JSON.stringify(readyBody)}`);
      const metricsRes = await fetch(`${w.system.apiUrl}/metrics`);
      const metrics = await metricsRes.text();
      if (!/^digest_redis_memory_full 1$/m.test(metrics)) violations.push(`/metrics does not show digest_redis_memory_full 1 while Redis is full (${metricsRes.status}: ${metrics.slice(0, 200)})`);
      const during = await w.report(editionId);
      if (!/maxmemory/.test(during.pausedReason ?? '')) violations.push(`edition report while full has pausedReason ${JSON.stringify(during.pausedReason)}`);
      await sleep(Math.max(0, fullMs - (Date.now() - t0)));
      const stillFrozen = (await w.report(editionId)).sent;
      await w.client.config('SET', 'maxmemory', '0');
      notes.push(`Redis full for ${Date.now() - t0} ms from ${sentAtFull} sent (${frozen} → ${stillFrozen} sent while full); 5 signups answered 503; /readyz ${ready.status}: ${readyBody.reason}`);
      if (stillFrozen > frozen) violations.push(`sent went on while Redis was full (${frozen} → ${stillFrozen}): outcomes not recorded?`);

      const result = await finishAndCheck(w, sending, WORKERS * CONCURRENCY);
      notes.push(`resumed by itself: edition done ${((Date.now() - t0) / 1000).toFixed(1)} s after the memory ran out`);
      const report = await w.report(editionId);
      if (report.pausedReason) violations.push(`edition still paused after memory freed: ${report.pausedReason}`);
      const readyAgain = await waitUntil('/readyz 200', async () => ((await fetch(`${w.system.apiUrl}/readyz`)).status === 200 ? true : undefined), 20_000, 250).catch(() => false);
      if (!readyAgain) violations.push('/readyz not 200 after memory freed');
      // Nothing half-way: a refused signup stored no subscriber and sends no confirmation.
      const store = createSubscriberStore({ redis: w.client, keys: keyspace(w.prefix) });
      for (const email of refused) if (await store.findByEmail(email)) violations.push(`signup refused with 503 left a subscriber for ${email}`);
      const { received } = await w.smtp.received();
      if (received.some((r) => r.kind === 'confirm' && r.to.some((t) => refused.includes(t)))) violations.push('a signup refused with 503 was sent a confirmation');
      violations.push(...result.violations);
      return { tally: result.tally, violations, notes };
    } finally {
      await w.client.config('SET', 'maxmemory', '0').catch(() => undefined);
      await w.close();
    }
  },
};
