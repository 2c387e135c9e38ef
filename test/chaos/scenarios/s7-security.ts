// 7. Security checks on the running system: /admin refuses without (or with
// wrong) credentials, and refuses cross-site writes; HTML/JS in story titles and
// subscriber names comes out escaped in mail, the archive and the preferences page;
// an encoded word or controls in a headline never reach a Subject decoded; error
// answers carry the security headers and never echo the URL; CORS only on
// /api/subscribe; SECRET_KEY missing or short stops every process before it listens.
import { simpleParser } from 'mailparser';
import { createTokens } from '../../../src/subscribers/tokens.js';
import { freePort } from '../../helpers/process.js';
import { TEST_SECRET } from '../../helpers/env.js';
import { createWorld } from '../lib/env.js';
import { checkEdition } from '../lib/invariants.js';
import type { Scenario } from '../lib/scenario.js';
import { seedAudience, storeFor } from '../lib/seed.js';
import { ADMIN_PASSWORD } from '../lib/system.js';

const HOSTILE_NAMES = ['"><script>alert("xss-name")</script>', '<img src=x onerror=alert(2)>', 'Ann & Bob \'O"Brien\'', '{{name}} %%x:name%% ${name}'];
/** Markup from outside that got through unescaped (escaped text such as `&lt;img … onerror=…` is harmless). */
const UNESCAPED = [/<script>alert\(/i, /<img src=x onerror/i, /<b>bold<\/b>/i, /"><script/i];

const ORIGIN = 'https://news.example.test';
/** What a Subject must never show: C0/C1 controls, DEL, bidi overrides and isolates, zero-width characters. */
const DISPLAY_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
const SECURITY_HEADERS = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy'];

function unescaped(html: string): string | null {
  for (const re of UNESCAPED) if (re.test(html)) return re.source;
  return null;
}

export const security: Scenario = {
  id: 7,
  name: 'admin auth, escaping, SECRET_KEY',
  async run(seed, scale) {
    const w = await createWorld({ seed, feeds: { hostileTitle: true }, system: { env: { ALLOWED_ORIGINS: ORIGIN } } });
    const notes: string[] = [];
    const violations: string[] = [];
    try {
      await w.system.start({ api: true, workers: 2 });
      const store = storeFor(w.client, w.prefix);
      const audience = await seedAudience(store, w.rng.fork('seed'), { readers: Math.round(scale.readers / 5), others: 3, tag: 'xss', names: HOSTILE_NAMES });
      await w.smtp.keepRaw('^xss\\d+@');
      await w.waitStories();
      const editionId = await w.sendNow();
      await w.waitFinished(editionId, 180_000);
      const { received } = await w.smtp.received();
      const check = await checkEdition(w.client, w.prefix, received, { editionId, audience, inFlightBound: 0 });
      violations.push(...check.violations);

      // Mail: every kept message's HTML part, parsed as a mail client would.
      const raw = await w.smtp.raw();
      let mails = 0;
      let titleSeen = 0;
      for (const [to, list] of Object.entries(raw)) {
        for (const r of list) {
          const m = await simpleParser(r);
          mails++;
          const html = typeof m.html === 'string' ? m.html : '';
          if (/xss-title/.test(html)) titleSeen++;
          const hit = unescaped(html);
          if (hit) violations.push(`mail to ${to} carries unescaped markup (${hit})`);
          if (DISPLAY_CONTROLS.test(m.subject ?? '')) violations.push(`mail to ${to} has controls in its Subject: ${JSON.stringify(m.subject)}`);
          if (m.headers.has('bcc')) violations.push(`mail to ${to} carries a Bcc header`);
        }
      }
      notes.push(`${mails} digests with hostile names checked; the hostile story title appears (escaped) in ${titleSeen}`);
      if (mails === 0) violations.push('no mail kept to check');

      // Pages: the archive copy and a hostile-named reader's preferences page.
      for (const path of ['/archive', `/archive/${editionId}`]) {
        const res = await fetch(`${w.system.apiUrl}${path}`);
        const body = await res.text();
        if (res.status !== 200) notes.push(`${path} answered ${res.status}`);
        const hit = unescaped(body);
        if (hit) violations.push(`${path} carries unescaped markup (${hit})`);
      }
      const tokens = createTokens(TEST_SECRET);
      let pages = 0;
      for (const id of [...audience.readers.keys()].slice(0, HOSTILE_NAMES.length * 2)) {
        const res = await fetch(`${w.system.apiUrl}/preferences/${tokens.sign('preferences', id, 0)}`);
        const body = await res.text();
        pages++;
        const hit = unescaped(body);
        if (hit || res.status !== 200) violations.push(`preferences page of ${id}: ${res.status}${hit ? ` unescaped ${hit}` : ''}`);
      }
      notes.push(`${pages} preferences pages of hostile-named readers checked`);

      // Admin: refused without or with wrong credentials, served with the right ones.
      const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      for (const path of ['/admin', '/admin/api/overview', '/admin/queues', `/admin/editions/${editionId}`]) {
        for (const [label, auth] of [['no credentials', undefined], ['wrong password', basic('admin', 'wrong-password')], ['wrong user', basic('root', ADMIN_PASSWORD)]] as const) {
          const res = await fetch(`${w.system.apiUrl}${path}`, { headers: auth ? { authorization: auth } : {}, redirect: 'manual' });
          if (res.status !== 401 && res.status !== 429) violations.push(`${path} with ${label} answered ${res.status}`);
        }
        const ok = await fetch(`${w.system.apiUrl}${path}`, { headers: { 'x-forwarded-for': '192.0.2.1', authorization: basic('admin', ADMIN_PASSWORD) }, redirect: 'manual' });
        if (ok.status === 404 && path === '/admin') notes.push('/admin is not served by the api process');
        else if (ok.status >= 400) notes.push(`${path} with the right password answered ${ok.status}`);
      }

      // Cross-site writes to the queue dashboard: refused even with the right password.
      for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, {}] as Record<string, string>[]) {
        const res = await fetch(`${w.system.apiUrl}/admin/queues/api/queues/send/retry/failed`, { method: 'PUT', headers: { authorization: basic('admin', ADMIN_PASSWORD), 'x-forwarded-for': '192.0.2.2', ...headers } });
        if (res.status !== 403) violations.push(`cross-site admin write (${JSON.stringify(headers)}) answered ${res.status}`);
      }
      // Error answers: the security headers, never the URL.
      for (const path of ['/confirm/%zzMARKER', `/unsubscribe/MARKER${'a'.repeat(5000)}`, '/MARKER<script>']) {
        const res = await fetch(`${w.system.apiUrl}${path}`);
        const body = await res.text();
        const missing = SECURITY_HEADERS.filter((h) => !res.headers.has(h));
        if (res.status < 400 || missing.length || body.includes('MARKER')) violations.push(`${path.slice(0, 40)}: ${res.status}, missing ${missing.join(',') || 'none'}${body.includes('MARKER') ? ', echoes the URL' : ''}`);
      }
      // CORS: the allowed origin is answered on /api/subscribe only.
      for (const path of ['/api/subscribe', '/metrics', '/healthz', '/archive', '/']) {
        const res = await fetch(`${w.system.apiUrl}${path}`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
        const allowed = res.headers.get('access-control-allow-origin') === ORIGIN;
        if (allowed !== (path === '/api/subscribe')) violations.push(`CORS preflight on ${path}: allow-origin ${res.headers.get('access-control-allow-origin')}`);
      }
      notes.push('cross-site admin writes 403; error answers with security headers and no echo; CORS on /api/subscribe only');

      // SECRET_KEY: missing or short stops api and worker before they listen or work.
      const cases = (['api', 'worker'] as const).flatMap((role) => ([['missing', undefined], ['short', 'too-short'], ['empty', '']] as const).map(([label, value]) => ({ role, label, value })));
      // Two at a time: each is a fresh node + tsx start on a shared machine.
      for (let i = 0; i < cases.length; i += 2) await Promise.all(
        cases.slice(i, i + 2).map(async ({ role, label, value }) => {
          const port = await freePort();
          const out = await w.system.cli([role], 60_000, { PORT: String(port), SECRET_KEY: value ?? '' });
          if (out.code !== 78 || !/SECRET_KEY/.test(out.output)) violations.push(`${role} with SECRET_KEY ${label}: exit ${out.code}, output ${out.output.slice(0, 200)}`);
          if (/too-short/.test(out.output)) violations.push('the refused secret was echoed');
          const listening = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false);
          if (listening) violations.push(`${role} with SECRET_KEY ${label} listened on its port`);
        }),
      );
      notes.push('SECRET_KEY missing, empty and short: api and worker exit 78 naming the variable');
      return { tally: check.tally, violations: [...violations, ...w.system.unexpectedDeaths()], notes };
    } finally {
      await w.close();
    }
  },
};
