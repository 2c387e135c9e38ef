// A real browser logs into /admin with basic auth, sees the overview (styled,
// no CSP violations), then opens bull-board and sees every queue rendered.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, seedEdition, startOps, type OpsStack } from '../ops/helpers.js';

describe('admin in a browser', () => {
  let stack: OpsStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    stack = await startOps();
    await seedEdition(stack, new Date(Date.now() - 3_600_000), 'ready');
    base = await stack.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('refuses without or with wrong credentials', async () => {
    for (const creds of [undefined, { username: 'admin', password: 'not the password' }]) {
      const context = await browser.newContext(creds ? { httpCredentials: creds } : {});
      const page = await context.newPage();
      // Headless Chromium either shows the 401 or turns the challenge it cannot answer into a failed navigation.
      const outcome = await page.goto(`${base}/admin`).then(
        (res) => res?.status(),
        (err: Error) => err.message,
      );
      expect(String(outcome)).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/);
      await context.close();
    }
  });

  it('logs in and shows the overview, then bull-board', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_PASSWORD }, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    const res = await page.goto(`${base}/admin`);
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Operations');
    expect(await page.locator('#h-editions').textContent()).toContain('Editions');
    expect(await page.locator('section', { has: page.locator('#h-editions') }).locator('tbody tr').count()).toBe(1);
    // The stylesheet applied (not blocked): main is a white card.
    expect(await page.locator('main').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    // Phone width: the page itself does not scroll sideways (wide tables scroll in their box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    expect(problems.filter((p) => !p.includes('favicon'))).toEqual([]);

    await page.goto(`${base}/admin/queues`);
    for (const q of ['ingest', 'edition', 'fanout', 'send', 'system-mail']) {
      await page.getByText(q, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    // Only the remote font stylesheet bull-board asks for is refused (on purpose).
    expect(problems.filter((p) => !/fonts\.googleapis/.test(p))).toEqual([]);
    await context.close();
  });

  it('refuses cross-site writes from another site while the operator is logged in (form post and no-cors fetch)', async () => {
    // The other site: a page on another origin (localhost vs 127.0.0.1) that posts to bull-board's API.
    const target = `${base}/admin/queues/api/queues/system-mail/add`;
    const evil = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      if (req.url === '/form') {
        res.end(`<form method="post" action="${target}"><input name="name" value="forged"><input name="data" value="{}"></form><script>document.forms[0].submit()</script>`);
      } else {
        res.end(`<script>fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"name":"forged","data":{}}' }).then(() => document.title = 'sent', () => document.title = 'failed')</script>`);
      }
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilBase = `http://localhost:${(evil.address() as AddressInfo).port}`;
    const queue = stack.ctx.queues['system-mail'];
    const jobsBefore = await queue.count();
    const refused: number[] = [];
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_PASSWORD } });
    const page = await context.newPage();
    page.on('response', (r) => {
      if (r.url() === target) refused.push(r.status());
    });
    await page.goto(`${base}/admin`); // logged in
    await page.goto(`${evilBase}/form`);
    await page.waitForURL(target);
    await page.goto(`${evilBase}/fetch`);
    await expect.poll(() => page.title()).toMatch(/sent|failed/);
    await expect.poll(() => refused.length).toBe(2);
    expect(refused).toEqual([403, 403]);
    expect(await queue.count()).toBe(jobsBefore);

    // The board's own writes (same origin) still work.
    await page.goto(`${base}/admin/queues`);
    const status = await page.evaluate(async (url) => (await fetch(url, { method: 'PUT' })).status, `${base}/admin/queues/api/queues/send/retry/failed`);
    expect(status).toBe(200);
    await context.close();
    await new Promise((r) => evil.close(r));
  });
});
