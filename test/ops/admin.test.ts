// /admin: basic auth (absent without a password, 401 + challenge, 429 after too
// many wrong guesses), bull-board read-only mode, the overview's escaping.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BULL_BOARD_CSP } from '../../src/http/bull-board.js';
import { ADMIN, basic, seedEdition, startOps, type OpsStack } from './helpers.js';

let stack: OpsStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('admin authentication', () => {
  it('does not exist without ADMIN_PASSWORD', async () => {
    stack = await startOps({ ADMIN_PASSWORD: undefined });
    for (const url of ['/admin', '/admin/queues', '/admin/api/overview']) {
      const res = await stack.app.inject({ url, headers: ADMIN });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('challenges without credentials and refuses wrong ones, on the overview and on bull-board', async () => {
    stack = await startOps();
    for (const url of ['/admin', '/admin/queues', '/admin/queues/api/queues', '/admin/editions/e20260101T0700']) {
      const none = await stack.app.inject({ url });
      expect(none.statusCode, url).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
      for (const authorization of [basic('admin', 'wrong password'), basic('root', 'correct horse battery'), 'Bearer x', 'Basic !!!']) {
        const bad = await stack.app.inject({ url, headers: { authorization } });
        expect(bad.statusCode, `${url} ${authorization}`).toBe(401);
        expect(bad.body).not.toContain('Operations');
      }
    }
  });

  it('lets the right password in', async () => {
    stack = await startOps();
    const res = await stack.app.inject({ url: '/admin', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<h1>Operations</h1>');
    const board = await stack.app.inject({ url: '/admin/queues', headers: ADMIN });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-security-policy']).toBe(BULL_BOARD_CSP);
    const api = await stack.app.inject({ url: '/admin/queues/api/queues', headers: ADMIN });
    expect(api.statusCode).toBe(200);
    expect((api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual(['edition', 'fanout', 'ingest', 'send', 'system-mail']);
  });

  it('answers 429 after too many wrong passwords from one address, even with the right one', async () => {
    stack = await startOps({}, {});
    const wrong = { authorization: basic('admin', 'guess') };
    for (let i = 0; i < 10; i++) expect((await stack.app.inject({ url: '/admin', headers: wrong })).statusCode).toBe(401);
    const limited = await stack.app.inject({ url: '/admin', headers: ADMIN });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    const other = await stack.app.inject({ url: '/admin', headers: ADMIN, remoteAddress: '10.0.0.9' });
    expect(other.statusCode).toBe(200);
  });
});

describe('bull-board', () => {
  it('refuses a retry in read-only mode (405) and allows it otherwise', async () => {
    stack = await startOps({ ADMIN_READ_ONLY: 'true' });
    const ro = await stack.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/send/retry/failed', headers: { ...ADMIN, 'sec-fetch-site': 'same-origin' } });
    expect(ro.statusCode).toBe(405);
    await stack.close();

    stack = await startOps({ ADMIN_READ_ONLY: 'false' });
    const rw = await stack.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/send/retry/failed', headers: { ...ADMIN, 'sec-fetch-site': 'same-origin' } });
    expect(rw.statusCode).toBe(200);
  });

  it('refuses every write that is not same-origin (Sec-Fetch-Site, else Origin, else Referer), before the password', async () => {
    stack = await startOps({ ADMIN_READ_ONLY: 'false', PUBLIC_URL: 'https://news.example.com' });
    const put = (headers: Record<string, string>) =>
      stack!.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/send/retry/failed', headers: { ...ADMIN, host: 'admin.internal:3000', ...headers } });
    const refused: Record<string, string>[] = [
      {},
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://news.example.com' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'https://news.example.com.evil.example' },
      { referer: 'https://evil.example/https://news.example.com/admin' },
      { referer: 'not a url' },
    ];
    for (const headers of refused) expect((await put(headers)).statusCode, JSON.stringify(headers)).toBe(403);
    const accepted: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'https://news.example.com' },
      { origin: 'http://admin.internal:3000' },
      { referer: 'https://news.example.com/admin/queues/' },
    ];
    for (const headers of accepted) expect((await put(headers)).statusCode, JSON.stringify(headers)).toBe(200);
    // Reads are not affected.
    expect((await stack.app.inject({ url: '/admin', headers: { ...ADMIN, 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(200);
  });
});

describe('overview', () => {
  it('escapes hostile source names and errors, and shows editions, readers and queues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-ops-'));
    const file = join(dir, 'sources.json');
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    writeFileSync(
      file,
      JSON.stringify({ feeds: [{ id: 'evil', name: hostile, url: 'https://evil.example/rss', section: 'world' }, { id: 'good', name: 'Good & Co', url: 'https://good.example/rss', section: 'markets' }] }),
    );
    stack = await startOps({ SOURCES_FILE: file });
    await stack.pool.setSourceHealth([
      { sourceId: 'evil', ok: false, checkedAt: new Date().toISOString(), lastSuccessAt: null, lastErrorAt: new Date().toISOString(), lastError: '"><svg onload=alert(3)>', consecutiveFailures: 4, itemsLastTime: 0 },
    ]);
    const id = await seedEdition(stack, new Date(Date.now() - 3_600_000), 'sending');
    await stack.ledger.start(id, { slot: new Date().toISOString(), mode: 'scheduled' });
    await stack.ledger.markQueued(id, ['1', '2', '3']);
    await stack.ledger.claim(id, '1');
    await stack.ledger.finish(id, '1', 'sent');
    await stack.ledger.claim(id, '2');
    await stack.ledger.finish(id, '2', 'bounced');

    const res = await stack.app.inject({ url: '/admin', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('<svg');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(res.body).toContain('&quot;&gt;&lt;svg onload=alert(3)&gt;');
    expect(res.body).toContain('Good &amp; Co');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toContain('style=');
    // The funnel: due 3, sent 1, bounced 1, pending 1.
    const row = res.body.slice(res.body.indexOf(`/admin/editions/${id}`));
    expect(row.slice(0, row.indexOf('</tr>')).match(/<td class="n">(\d+)<\/td>/g)?.map((c) => c.replace(/\D/g, ''))).toEqual(['3', '1', '0', '1', '0', '0', '1']);

    const json = (await stack.app.inject({ url: '/admin/api/overview', headers: ADMIN })).json();
    expect(json.sources[0]).toMatchObject({ id: 'evil', ok: false, failuresInARow: 4 });
    expect(json.editions[0]).toMatchObject({ id, due: 3, sent: 1, bounced: 1, pending: 1 });

    const page = await stack.app.inject({ url: `/admin/editions/${id}`, headers: ADMIN });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Readers due');
    expect((await stack.app.inject({ url: '/admin/editions/e19990101T0000', headers: ADMIN })).statusCode).toBe(404);
    expect((await stack.app.inject({ url: '/admin/editions/..%2F..', headers: ADMIN })).statusCode).toBe(400);
  });
});
