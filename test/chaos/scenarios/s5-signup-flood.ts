// 5. Signup flood while an edition is sending: many addresses, a few flooding
// IPs and many ordinary ones (X-Forwarded-For, TRUST_PROXY=true as behind a
// proxy). Rate limits hold, the API answers (p99 reported), no 5xx, sending
// goes on, no accepted signup is lost, no address gets two confirmation mails.
import { keyspace } from '../../../src/keys.js';
import { QUEUE } from '../../../src/queues/names.js';
import { waitUntil } from '../lib/children.js';
import { createWorld, waitDrained } from '../lib/env.js';
import { percentile, runLoad, type LoadRequest } from '../lib/http-load.js';
import { checkEdition, checkMetrics } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';

const PER_IP = 20;

export const signupFlood: Scenario = {
  id: 5,
  name: 'signup flood while sending',
  async run(seed, scale) {
    const w = await createWorld({ seed, system: { env: { TRUST_PROXY: 'true', SIGNUP_LIMIT_PER_IP: String(PER_IP), SIGNUP_LIMIT_WINDOW_SEC: '3600' } } });
    const notes: string[] = [];
    try {
      await w.system.start({ api: true, schedulers: scale.name === 'ci' ? 0 : 1, workers: 2 });
      const store = storeFor(w.client, w.prefix);
      const audience = await seedAudience(store, w.rng.fork('seed'), { readers: scale.readers });
      await w.waitStories();
      const blocked = [...audience.forbidden.values()].filter((e) => e.includes('-blocked-')).length;

      // Baseline send rate without load (full run only: it costs an edition).
      let baseline: number | null = null;
      if (scale.name === 'full') {
        const id = await w.sendNow();
        const r = await w.waitFinished(id, 300_000);
        baseline = r.sent / ((Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000);
      }

      const rng = w.rng.fork('flood');
      const n = scale.floodRequests;
      const floodIps = ['203.0.113.7', '203.0.113.8', '198.51.100.9'];
      const normalIps = Array.from({ length: Math.ceil((n * 0.25) / 10) }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`);
      const pool = Math.max(200, Math.round(n / 8));
      const requests: (LoadRequest & { ip: string; email: string })[] = [];
      const perNormal = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        let ip: string;
        if (rng.chance(0.75)) ip = rng.pick(floodIps);
        else {
          ip = rng.pick(normalIps);
          if ((perNormal.get(ip) ?? 0) >= PER_IP) ip = rng.pick(floodIps);
          else perNormal.set(ip, (perNormal.get(ip) ?? 0) + 1);
        }
        // Some existing readers too: "already confirmed" must answer the same and send nothing.
        const email = rng.chance(0.02) ? rng.pick([...audience.readers.values()]) : `f${rng.int(0, pool - 1)}@flood.example.test`;
        const body = JSON.stringify({ email, timezone: rng.pick(['UTC', 'Europe/Paris', 'America/Chicago']), sendHour: rng.int(0, 23) });
        requests.push({ method: 'POST', path: '/api/subscribe', ip, email, headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': ip }, body });
      }

      const editionId = await w.sendNow();
      const t0 = Date.now();
      const results = await runLoad(w.system.apiUrl, requests, 32);
      const floodSec = (Date.now() - t0) / 1000;
      const during = await w.report(editionId);
      const report = await w.waitFinished(editionId, 300_000);
      const violations: string[] = [];

      const lat = results.map((r) => r.ms);
      const byStatus = new Map<number, number>();
      for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      notes.push(
        `${n} requests in ${floodSec.toFixed(1)} s (${(n / floodSec).toFixed(0)}/s): ${[...byStatus].map(([s, c]) => `${s}×${c}`).join(', ')}; ` +
          `latency p50 ${percentile(lat, 0.5).toFixed(0)} ms, p99 ${percentile(lat, 0.99).toFixed(0)} ms, max ${percentile(lat, 1).toFixed(0)} ms`,
      );
      const bad = results.filter((r) => r.status >= 500 || r.status === 0);
      if (bad.length) violations.push(`${bad.length} requests answered 5xx or failed (first: ${bad[0]!.status} ${bad[0]!.body.slice(0, 200)})`);
      const acceptedBy = new Map<string, number>();
      const accepted = new Set<string>();
      requests.forEach((q, i) => {
        if (results[i]!.status === 202) {
          acceptedBy.set(q.ip, (acceptedBy.get(q.ip) ?? 0) + 1);
          accepted.add(q.email);
        }
      });
      for (const ip of floodIps) {
        if ((acceptedBy.get(ip) ?? 0) > PER_IP) violations.push(`flooding IP ${ip} got ${acceptedBy.get(ip)} accepted (limit ${PER_IP})`);
      }
      const limited = results.filter((r) => r.status === 429).length;
      if (limited === 0) violations.push('no 429 at all: the per-IP limit did not hold');
      const normalLimited = requests.filter((q, i) => !floodIps.includes(q.ip) && results[i]!.status === 429).length;
      if (normalLimited) violations.push(`${normalLimited} requests from ordinary IPs (≤ ${PER_IP} each) got 429`);

      // Every accepted new address is a pending subscriber (or a reader who already was one).
      let missing = 0;
      for (const email of accepted) {
        const sub = await store.findByEmail(email);
        if (!sub || (sub.status !== 'pending' && !audience.readers.has(sub.id))) missing++;
      }
      if (missing) violations.push(`${missing} accepted signups have no pending subscriber`);

      // Confirmation mail: exactly one per new address, none to existing readers.
      // Confirmations reach the queue through the outbox the workers drain.
      await waitUntil('confirmation outbox to empty', async () => (await w.client.llen(keyspace(w.prefix).confirmOutbox())) === 0, 180_000, 300);
      await waitDrained(w.queue(QUEUE.systemMail), 180_000);
      const { received } = await w.smtp.received();
      const confirms = new Map<string, number>();
      for (const r of received) if (r.kind === 'confirm') for (const a of r.to) confirms.set(a, (confirms.get(a) ?? 0) + 1);
      const twice = [...confirms].filter(([, c]) => c > 1);
      if (twice.length) violations.push(`${twice.length} addresses got more than one confirmation mail (e.g. ${twice[0]![0]} ×${twice[0]![1]})`);
      const newAccepted = [...accepted].filter((e) => e.endsWith('@flood.example.test'));
      const unconfirmed = newAccepted.filter((e) => !confirms.has(e));
      if (unconfirmed.length) violations.push(`${unconfirmed.length} accepted new addresses got no confirmation mail (e.g. ${unconfirmed[0]})`);
      const toReaders = [...confirms.keys()].filter((a) => a.endsWith('@readers.example.test'));
      if (toReaders.length) violations.push(`${toReaders.length} confirmation mails to already-confirmed readers`);
      notes.push(`${accepted.size} addresses accepted, ${confirms.size} confirmation mails, ${(await w.client.hlen(keyspace(w.prefix).subscriberByEmail()))} subscribers`);

      const rate = report.sent / ((Date.parse(report.finishedAt!) - Date.parse(report.startedAt!)) / 1000);
      notes.push(`sending under the flood: ${rate.toFixed(0)} msg/s (${during.sent} sent while the flood ran)${baseline ? `; baseline ${baseline.toFixed(0)} msg/s, ratio ${(rate / baseline).toFixed(2)}` : ''}`);
      // Two cores shared by the load generator, the api, two workers and Redis: sending must keep a fair share.
      if (baseline && rate < baseline * 0.2) violations.push(`sending slowed to ${(rate / baseline).toFixed(2)} of its baseline under the flood`);

      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound: 0, queued: audience.readers.size + blocked });
      const metrics = await checkMetrics(w.system.apiUrl, w.client, w.prefix);
      if (metrics.note) notes.push(metrics.note);
      return { tally: check.tally, violations: [...violations, ...check.violations, ...metrics.violations, ...w.system.unexpectedDeaths()], notes };
    } finally {
      await w.close();
    }
  },
};
