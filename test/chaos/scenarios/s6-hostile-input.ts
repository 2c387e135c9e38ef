// 6. Hostile input in bulk: generated signup payloads (only 2xx/4xx, nothing
// invalid stored, no injected headers in confirmation mail, no consent source
// claimed by a body, no name read as template syntax); a client forging
// X-Forwarded-For behind a proxy (still limited); forged and tampered link tokens
// (all refused, nobody's status changes); hostile feeds during an ingest run (only
// those sources unhealthy, redirects into the private network never followed; the
// edition after it still goes out).
import type { RedisClient } from '../../../src/redis.js';
import { keyspace } from '../../../src/keys.js';
import { QUEUE } from '../../../src/queues/names.js';
import { enqueueManualIngest } from '../../../src/stories/schedule.js';
import { normaliseEmail } from '../../../src/subscribers/address.js';
import { isTimeZone } from '../../../src/subscribers/schemas.js';
import { hasControls } from '../../../src/controls.js';
import { createTokens } from '../../../src/subscribers/tokens.js';
import { TEST_SECRET } from '../../helpers/env.js';
import { waitUntil } from '../lib/children.js';
import { createWorld, waitDrained, type World } from '../lib/env.js';
import { hostileSignups } from '../lib/hostile.js';
import { runLoad } from '../lib/http-load.js';
import { checkEdition } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';

async function storedProblems(client: RedisClient, prefix: string): Promise<string[]> {
  const keys = keyspace(prefix);
  const store = storeFor(client, prefix);
  const problems: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const ids = await store.pageAll(after, 500);
    if (ids.length === 0) break;
    for (const id of ids) {
      const raw = await client.hgetall(keys.subscriber(id));
      const sub = await store.get(id);
      if (!sub) {
        problems.push(`subscriber ${id} does not parse: ${JSON.stringify(raw).slice(0, 200)}`);
        continue;
      }
      let normal = '';
      try {
        normal = normaliseEmail(sub.email);
      } catch {
        /* invalid */
      }
      if (normal !== sub.email) problems.push(`stored address not normalised/valid: ${JSON.stringify(sub.email).slice(0, 120)}`);
      if (Object.values(raw).some((v) => /[\r\n\0]/.test(v) && !v.startsWith('{'))) problems.push(`control characters stored for ${id}`);
      if (sub.name.length > 100 || /[<>\u0000-\u001f\u007f\u2028\u2029]/.test(sub.name)) problems.push(`invalid name stored: ${JSON.stringify(sub.name).slice(0, 120)}`);
      if (!isTimeZone(sub.timezone)) problems.push(`invalid timezone stored: ${JSON.stringify(sub.timezone)}`);
      if (hasControls(sub.name)) problems.push(`controls or bidi overrides stored in a name: ${JSON.stringify(sub.name).slice(0, 120)}`);
      const seeded = sub.consent.userAgent === 'chaos-seed' || sub.consent.source === 'chaos';
      if (!seeded && sub.consent.source !== 'api' && sub.consent.source !== 'signup-page') problems.push(`consent source claimed by a signup body: ${sub.consent.source}`);
      if ((await client.hget(keys.subscriberByEmail(), sub.email)) !== id) problems.push(`address index does not point at ${id}`);
    }
    after = ids[ids.length - 1]!;
  }
  return problems;
}

/** Forged and tampered tokens against the link routes; returns violations. */
async function tokenAttacks(w: World): Promise<{ violations: string[]; tried: number }> {
  const store = storeFor(w.client, w.prefix);
  const tokens = createTokens(TEST_SECRET);
  const at = new Date().toISOString();
  const make = async (email: string, status: 'pending' | 'confirmed') =>
    (await store.create({ email, name: 'Target', status, topics: ['markets'], timezone: 'UTC', sendHour: 7, weekdaysOnly: false, consent: { at, ip: '', userAgent: '', source: 'chaos' }, confirmedAt: status === 'confirmed' ? at : null, unsubscribedAt: null })).subscriber;
  const pending = await make('token-pending@targets.example.test', 'pending');
  const victim = await make('token-victim@targets.example.test', 'confirmed');
  const other = await make('token-other@targets.example.test', 'confirmed');
  const rng = w.rng.fork('tokens');
  const flip = (t: string) => {
    const b = Buffer.from(t);
    for (;;) {
      const i = rng.int(0, b.length - 1);
      if (b[i] === 0x2e) continue; // keep the dot: a different shape is tested below
      const before = b[i]!;
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      b[i] = chars.charCodeAt(rng.int(0, chars.length - 1));
      if (b[i] !== before) return b.toString();
    }
  };
  const swapSubject = (t: string, id: string) => {
    const [body, sig] = t.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    payload.s = String(Number(id));
    return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
  };
  const attacks: { what: string; method: 'GET' | 'POST'; path: string }[] = [];
  const confirmT = tokens.sign('confirm', pending.id, 0, 3600);
  const unsubT = tokens.sign('unsubscribe', victim.id, 0);
  const prefT = tokens.sign('preferences', victim.id, 0);
  for (let i = 0; i < 40; i++) {
    attacks.push({ what: 'bit-flipped confirm', method: 'POST', path: `/confirm/${flip(confirmT)}` });
    attacks.push({ what: 'bit-flipped unsubscribe', method: 'POST', path: `/unsubscribe/${flip(unsubT)}` });
    attacks.push({ what: 'bit-flipped preferences', method: 'POST', path: `/preferences/${flip(prefT)}` });
  }
  attacks.push(
    { what: 'unsubscribe token on /confirm', method: 'POST', path: `/confirm/${tokens.sign('unsubscribe', pending.id, 0)}` },
    { what: 'confirm token on /unsubscribe', method: 'POST', path: `/unsubscribe/${tokens.sign('confirm', victim.id, 0, 3600)}` },
    { what: 'confirm token on /preferences', method: 'POST', path: `/preferences/${tokens.sign('confirm', victim.id, 0, 3600)}` },
    { what: 'expired confirm', method: 'POST', path: `/confirm/${tokens.sign('confirm', pending.id, 0, -60)}` },
    { what: 'victim token re-pointed at another subscriber', method: 'POST', path: `/unsubscribe/${swapSubject(unsubT, other.id)}` },
    { what: 'token signed with another key', method: 'POST', path: `/unsubscribe/${createTokens('another-secret-key-of-sufficient-length-0000').sign('unsubscribe', other.id, 0)}` },
    { what: 'token for an old version', method: 'POST', path: `/unsubscribe/${tokens.sign('unsubscribe', other.id, 7)}` },
    { what: 'three-part token', method: 'POST', path: `/unsubscribe/${unsubT}.${unsubT}` },
    { what: 'overlong token', method: 'POST', path: `/unsubscribe/${'A'.repeat(600)}` },
    { what: 'token for no subscriber', method: 'POST', path: `/unsubscribe/${tokens.sign('unsubscribe', '999999999', 0)}` },
  );
  const results = await runLoad(
    w.system.apiUrl,
    attacks.map((a, i) => ({ method: a.method, path: a.path, headers: { 'x-forwarded-for': `100.200.${i >> 8}.${i & 255}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click&action=unsubscribe' })),
    8,
  );
  const violations: string[] = [];
  results.forEach((r, i) => {
    if (r.status < 400 || r.status >= 500) violations.push(`${attacks[i]!.what} answered ${r.status}`);
  });
  for (const [sub, want] of [[pending, 'pending'], [victim, 'confirmed'], [other, 'confirmed']] as const) {
    const now = await store.get(sub.id);
    if (now?.status !== want) violations.push(`${sub.email} is ${now?.status} after the token attacks (want ${want})`);
  }
  // The control: a genuine link does work, so the refusals above mean something.
  const genuine = await fetch(`${w.system.apiUrl}/unsubscribe/${tokens.sign('unsubscribe', other.id, 0)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  if (genuine.status !== 200 || (await store.get(other.id))?.status !== 'unsubscribed') violations.push(`a genuine unsubscribe link did not work (${genuine.status})`);
  return { violations, tried: attacks.length };
}

export const hostileInput: Scenario = {
  id: 6,
  name: 'hostile signups, tokens and feeds',
  async run(seed, scale) {
    const w = await createWorld({ seed, feeds: { hostileSources: true }, system: { env: { TRUST_PROXY: 'true', SIGNUP_LIMIT_PER_IP: '5' } } });
    const notes: string[] = [];
    const violations: string[] = [];
    try {
      await w.system.start({ api: true, workers: 2 });
      // Hostile feeds first, in the background, on a worker (the slow one takes the fetch deadline).
      const ingest = await enqueueManualIngest(w.queue(QUEUE.ingest), new Date());
      const ingestDone = waitUntil('the ingest job', async () => ((await ingest.isCompleted()) || (await ingest.isFailed()) ? true : undefined), 120_000, 500);

      const requests = hostileSignups(w.rng.fork('payloads'), scale.hostilePayloads);
      const results = await runLoad(w.system.apiUrl, requests, 16);
      const by = new Map<number, number>();
      for (const r of results) by.set(r.status, (by.get(r.status) ?? 0) + 1);
      notes.push(`${requests.length} hostile signup requests: ${[...by].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}×${c}`).join(', ')}`);
      const bad = results.map((r, i) => ({ r, q: requests[i]! })).filter(({ r }) => r.status >= 500 || r.status === 0);
      for (const { r, q } of bad.slice(0, 5)) violations.push(`${r.status} for ${q.method} ${q.path.slice(0, 80)} ${String(q.body ?? '').slice(0, 120)}: ${r.body.slice(0, 120)}`);
      if (bad.length > 5) violations.push(`… ${bad.length} requests answered 5xx or failed`);

      // Behind one appending proxy hop (TRUST_PROXY=true): whatever the client writes on the left, it is the right-most address.
      const spoofed = await runLoad(
        w.system.apiUrl,
        Array.from({ length: 8 }, (_, i) => ({ method: 'POST' as const, path: '/api/subscribe', headers: { 'x-forwarded-for': `203.0.113.${i}, 198.18.7.7`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: `spoof${i}@proxy.example.test` }) })),
        1,
      );
      const spoofCodes = spoofed.map((r) => r.status);
      if (spoofCodes.filter((c) => c === 202).length !== 5 || spoofCodes.slice(5).some((c) => c !== 429)) violations.push(`forged X-Forwarded-For escaped the per-IP limit: ${spoofCodes.join(',')}`);
      notes.push(`8 signups with forged X-Forwarded-For from one client: ${spoofCodes.join(',')}`);

      const tokens = await tokenAttacks(w);
      notes.push(`${tokens.tried} forged or tampered link tokens`);
      violations.push(...tokens.violations);

      await ingestDone;
      const health = await w.client.hgetall(keyspace(w.prefix).sourceHealth());
      const state = (id: string) => (health[id] ? (JSON.parse(health[id]) as { ok: boolean; lastError: string | null }) : null);
      for (const id of w.feeds.good) if (state(id)?.ok !== true) violations.push(`good source ${id} is not healthy: ${JSON.stringify(state(id))}`);
      for (const id of w.feeds.hostile) if (state(id)?.ok !== false) violations.push(`hostile source ${id} not marked unhealthy: ${JSON.stringify(state(id))}`);
      if (w.feeds.internalHits() !== 0) violations.push(`the internal service behind a redirect was fetched ${w.feeds.internalHits()} times`);
      for (const id of ['to-internal', 'to-metadata']) if (!/^refused: redirect to private address/.test(state(id)?.lastError ?? '')) violations.push(`${id}: not refused as a private address: ${state(id)?.lastError}`);
      notes.push(`sources: ${Object.keys(health).sort().map((id) => `${id} ${state(id)?.ok ? 'ok' : `unhealthy (${(state(id)?.lastError ?? '').slice(0, 40)})`}`).join('; ')}`);

      // The edition after all that still goes out, to readers only.
      const audience = await seedAudience(storeFor(w.client, w.prefix), w.rng.fork('seed'), { readers: Math.round(scale.readers / 3), others: 5 });
      await w.waitStories();
      const editionId = await w.sendNow();
      await w.waitFinished(editionId, 180_000);
      // Confirmations reach the queue through the outbox the workers drain.
      await waitUntil('confirmation outbox to empty', async () => (await w.client.llen(keyspace(w.prefix).confirmOutbox())) === 0, 180_000, 300);
      await waitDrained(w.queue(QUEUE.systemMail), 180_000);
      const { received } = await w.smtp.received();
      // Confirmation mails: one recipient each, one To and one Subject header (no injection).
      for (const r of received.filter((m) => m.kind === 'confirm')) {
        if (r.to.length !== 1 || r.headerCount.to !== 1 || r.headerCount.subject !== 1 || !r.to[0]!.endsWith('.test')) violations.push(`suspicious confirmation mail ${r.messageId} to ${r.to.join(',')}`);
      }
      notes.push(`${received.filter((m) => m.kind === 'confirm').length} confirmation mails, all to one stored address each`);
      // No signup text is template syntax: no confirmation failed (a name of {{x}} once blocked its address).
      const failedMail = await w.queue(QUEUE.systemMail).getJobs(['failed']);
      for (const job of failedMail.slice(0, 5)) violations.push(`system mail ${job.id} failed: ${job.failedReason}`);
      violations.push(...(await storedProblems(w.client, w.prefix)).slice(0, 10));
      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound: 0 });
      // The generated signups are pending, so the edition's audience is the seeded readers (plus the token target left confirmed).
      const extra = check.violations.filter((v) => !v.startsWith('report queued'));
      return { tally: check.tally, violations: [...violations, ...extra, ...w.system.unexpectedDeaths()], notes };
    } finally {
      await w.close();
    }
  },
};
