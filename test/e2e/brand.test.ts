// One brand, set once: SITE_NAME, SITE_URL, BRAND_COLOR and LOGO_URL drive every page,
// every mail (digest, confirmation, welcome), the List-Id comment, the archive and its
// feed; no product name is written anywhere else in src/ or templates/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionSendCommand } from '../../src/cli/edition-send.js';
import { quiet } from '../helpers/feeds-stack.js';
import { linkFrom, startStack, type Stack } from '../helpers/stack.js';

/** Names the product has gone by; only src/config.ts's SITE_NAME default may say one. */
const PRODUCT_NAMES = /market\s+digest|markets?\s+(&|&amp;)\s+world|daily\s+stock\s+markets\s+news/i;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}


describe('brand', () => {
  it('has no product name hard-coded outside the SITE_NAME default in src/config.ts', () => {
    const found = [...files('src'), ...files('templates')].flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file, line: i + 1, text: line }))
        .filter((l) => PRODUCT_NAMES.test(l.text)),
    );
    expect(found.map((f) => `${f.file}:${f.line}`)).toEqual([expect.stringMatching(/^src\/config\.ts:\d+$/)]);
    expect(found[0]!.text).toMatch(/\.default\('Daily Stock Markets News'\)/);
  });

  describe('set once, shown everywhere', () => {
    let stack: Stack;
    const BRAND = { SITE_NAME: 'Acme Ticker', SITE_URL: 'https://acme.example', BRAND_COLOR: '#aa3300', LOGO_URL: 'https://acme.example/logo.png' };
    // testConfig sets MAIL_FROM with an old name; a deployment that sets only SITE_NAME gets it in From too.
    beforeAll(async () => {
      // No stories in this test's pool: send the (empty) digest anyway.
      stack = await startStack({ ...BRAND, MAIL_FROM: undefined, POSTAL_ADDRESS: undefined, SEND_RATE_PER_SEC: '1000', SKIP_EMPTY_EDITIONS: 'false' });
    }, 60_000);
    afterAll(async () => stack?.close());

    const noOtherName = (text: string) => expect(text.replace(/Acme Ticker/g, '').match(PRODUCT_NAMES)?.[0] ?? null).toBeNull();

    it('in pages, the stylesheet, the archive and its feed', async () => {
      const signup = (await stack.app.inject({ url: '/' })).body;
      const $ = cheerio.load(signup);
      expect($('title').text()).toBe('Subscribe · Acme Ticker');
      expect($('header.site a').attr('href')).toBe('https://acme.example');
      expect($('header.site a').text()).toBe('Acme Ticker');
      expect($('header.site img').attr('src')).toBe('https://acme.example/logo.png');
      noOtherName(signup);
      const css = (await stack.app.inject({ url: '/assets/site.css' })).body;
      expect(css).toContain('--brand:#aa3300');
      const notFound = (await stack.app.inject({ url: '/nowhere', headers: { accept: 'text/html' } })).body;
      expect(cheerio.load(notFound)('title').text()).toBe('Page not found · Acme Ticker');
      const archive = (await stack.app.inject({ url: '/archive' })).body;
      expect(cheerio.load(archive)('title').text()).toBe('Past editions · Acme Ticker');
      const feed = (await stack.app.inject({ url: '/archive/feed.xml' })).body;
      expect(feed).toContain('<title>Acme Ticker archive</title>');
      for (const body of [notFound, archive, feed]) noOtherName(body);
    });

    it('in the confirmation, the welcome and the digest, and the List-Id comment', async () => {
      expect((await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'reader@example.com' } })).statusCode).toBe(202);
      const [confirm] = await stack.smtp.waitFor(1);
      expect(confirm!.parsed.from?.value[0]).toMatchObject({ name: 'Acme Ticker', address: 'digest@localhost' });
      const confirmHtml = cheerio.load(String(confirm!.parsed.html));
      expect(confirmHtml('a:contains("Acme Ticker")').attr('href')).toBe('https://acme.example');
      expect(String(confirm!.parsed.html)).toContain('#aa3300');
      expect(confirmHtml('img[src="https://acme.example/logo.png"]')).toHaveLength(1);
      expect(confirm!.parsed.text).toContain('Acme Ticker');
      noOtherName(`${confirm!.parsed.html}${confirm!.parsed.text}`);

      const link = new URL(linkFrom(confirm!.parsed.text!, 'http://localhost:3000/confirm/')).pathname;
      expect((await stack.app.inject({ method: 'POST', url: link })).statusCode).toBe(200);
      const [, welcome] = await stack.smtp.waitFor(2);
      expect(welcome!.parsed.subject).toBe('Welcome to Acme Ticker');
      expect(String(welcome!.parsed.html)).toContain('#aa3300');
      noOtherName(`${welcome!.parsed.html}${welcome!.parsed.text}`);

      expect(await editionSendCommand(stack.ctx, ['--now', '--wait'], { out: quiet(), pollMs: 200 })).toBe(0);
      const [, , digest] = await stack.smtp.waitFor(3);
      expect(digest!.parsed.subject).toMatch(/^Acme Ticker — /);
      const head = digest!.raw.toString('utf8').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
      expect(head).toMatch(/^List-ID: "Acme Ticker" <digest\.localhost>$/m);
      const html = cheerio.load(String(digest!.parsed.html));
      expect(html('a:contains("Acme Ticker")').attr('href')).toBe('https://acme.example');
      expect(String(digest!.parsed.html)).toContain('#aa3300');
      expect(digest!.parsed.text).toContain('Acme Ticker');
      noOtherName(`${digest!.parsed.html}${digest!.parsed.text}${head}`);
    }, 60_000);
  });
});
