// `npx digest all` with SMTP_URL pointing at an SMTP server runs the whole
// signup → confirm → unsubscribe flow, and stops cleanly on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, TEST_SECRET, uniquePrefix } from '../helpers/env.js';
import { freePort, startDigest, waitForHttp, type DigestProcess } from '../helpers/process.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { linkFrom } from '../helpers/stack.js';
import { createTokens } from '../../src/subscribers/tokens.js';

describe('digest all', () => {
  let smtp: TestSmtp;
  let digest: DigestProcess;
  let base: string;
  const prefix = uniquePrefix('all');

  beforeAll(async () => {
    smtp = await startSmtp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    digest = startDigest(['all'], {
      REDIS_URL,
      KEY_PREFIX: prefix,
      SECRET_KEY: TEST_SECRET,
      SMTP_URL: smtp.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      MAIL_FROM: 'Market Digest <digest@news.example.com>',
      SOURCES_FILE: 'test/fixtures/config/empty-sources.json',
      LOG_LEVEL: 'info',
      ADMIN_PASSWORD: 'operator-password',
    });
    await waitForHttp(`${base}/`, 45_000);
  }, 60_000);

  afterAll(async () => {
    await digest?.stop();
    await smtp?.close();
    const redis = testRedis();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('signs up, confirms, unsubscribes through the running process', async () => {
    const res = await fetch(`${base}/api/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email: 'process@example.com', name: 'Pat' }),
    });
    expect(res.status).toBe(202);
    const [mail] = await smtp.waitFor(1, 20_000);
    const confirmUrl = linkFrom(mail!.parsed.text!, `${base}/confirm/`);
    expect((await fetch(confirmUrl)).status).toBe(200);
    const confirmed = await fetch(confirmUrl, { method: 'POST' });
    expect(await confirmed.text()).toContain('You are subscribed');

    const redis = testRedis();
    const id = (await redis.hget(`${prefix}:sub:by-email`, 'process@example.com'))!;
    expect(await redis.hget(`${prefix}:sub:${id}`, 'status')).toBe('confirmed');

    // RFC 8058 one-click against the process, with a link signed the way the service signs them.
    const unsubscribe = `${base}/unsubscribe/${createTokens(TEST_SECRET).sign('unsubscribe', id, 0)}`;
    const oneClick = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(oneClick.status).toBe(200);
    expect(await redis.hget(`${prefix}:sub:${id}`, 'status')).toBe('unsubscribed');
    redis.disconnect();
    expect(digest.output()).not.toContain('process@example.com'); // no addresses in info logs
    expect(digest.output()).toContain('"event":"subscriber.confirmed"');
  });

  it('serves health, readiness, metrics and the admin overview', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The worker and scheduler heartbeats make the process ready without warnings.
    await expect
      .poll(async () => (await (await fetch(`${base}/readyz`)).json()) as { warnings?: string[] }, { timeout: 15_000 })
      .toMatchObject({ warnings: [] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE digest_messages_total counter$/m);
    expect(metrics).toMatch(/^digest_subscribers\{status="unsubscribed"\} 1$/m);
    expect((await fetch(`${base}/admin`)).status).toBe(401);
    const admin = await fetch(`${base}/admin`, { headers: { authorization: `Basic ${Buffer.from('admin:operator-password').toString('base64')}` } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('<h2 id="h-queues">Queues</h2>');
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await digest.stop('SIGTERM');
    expect(code).toBe(0);
    expect(digest.output()).toContain('"event":"process.stopped"');
  });
});
