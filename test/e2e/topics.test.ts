// Adding a topic is a change to the sources file only. A three-topic file (markets,
// world, crypto) through the real pipeline: the signup page and preference centre offer
// Crypto, a crypto reader gets a Crypto section, a markets+crypto reader gets both, the
// edition renders only the combinations its readers have, import/export carry the topic.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionSendCommand } from '../../src/cli/edition-send.js';
import { ingestCommand } from '../../src/cli/ingest.js';
import { exportSubscribers, importSubscribers } from '../../src/cli/subscribers.js';
import { createEditionStore } from '../../src/editions/store.js';
import { quiet, rss, startFeedStack, type FeedStack } from '../helpers/feeds-stack.js';
import { linkFrom, type Stack } from '../helpers/stack.js';

const CRYPTO_STORY = 'Stablecoin issuer publishes reserve audit';
const MARKETS_STORY = 'Bond yields ease as investors weigh rate outlook';
const WORLD_STORY = 'Ceasefire talks resume at the border';

describe('a third topic, from the sources file only', () => {
  let running: FeedStack;
  let stack: Stack;

  beforeAll(async () => {
    running = await startFeedStack(
      {
        '/markets.xml': rss('Markets Wire', 'https://markets.example.com', [{ title: MARKETS_STORY, path: '/bonds', text: 'Treasury yields slipped as traders priced in a slower pace of hikes.' }]),
        '/world.xml': rss('World Desk', 'https://world.example.org', [{ title: WORLD_STORY, path: '/talks', text: 'Diplomats met for a third day of talks.' }]),
        '/crypto.xml': rss('Coin Desk', 'https://coins.example.net', [{ title: CRYPTO_STORY, path: '/audit', text: 'The audit covers the tokens in circulation.' }]),
      },
      (url) => ({
        topics: [
          { id: 'markets', label: 'Markets', marketTable: true },
          { id: 'world', label: 'World' },
          { id: 'crypto', label: 'Crypto', keywords: ['bitcoin', 'ether', 'stablecoin'] },
        ],
        feeds: [
          // `section` is still read as the older name of `topic`.
          { id: 'markets-wire', name: 'Markets Wire', url: url('/markets.xml'), section: 'markets' },
          { id: 'world-desk', name: 'World Desk', url: url('/world.xml'), topic: 'world' },
          { id: 'coin-desk', name: 'Coin Desk', url: url('/crypto.xml'), topic: 'crypto' },
        ],
      }),
    );
    stack = running.stack;
  }, 60_000);

  afterAll(async () => running?.close());

  it('offers the topic on the signup page and accepts it', async () => {
    const page = cheerio.load((await stack.app.inject({ method: 'GET', url: '/' })).body);
    const boxes = page('input[name=topics]').map((_i, el) => page(el).attr('value')).get();
    expect(boxes).toEqual(['markets', 'world', 'crypto']);
    expect(page('label:has(input[value=crypto])').text().trim()).toBe('Crypto');

    const ok = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'sign@example.com', topics: ['crypto'] } });
    expect(ok.statusCode).toBe(202);
    expect((await stack.ctx.subscribers.findByEmail('sign@example.com'))!.topics).toEqual(['crypto']);
    const bad = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'bad@example.com', topics: ['sports'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('markets, world, crypto');
  });

  it('imports and exports the topic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-topics-csv-'));
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, 'email,topics\nimp@example.com,crypto;markets\nnope@example.com,sports\n');
    const report = await importSubscribers(stack.ctx, csv, true);
    expect(report.imported).toBe(1);
    expect(report.errors.map((e) => e.reason)).toEqual(['topics must be a list of: markets, world, crypto']);
    expect((await stack.ctx.subscribers.findByEmail('imp@example.com'))!.topics).toEqual(['crypto', 'markets']);
    let out = '';
    await exportSubscribers(stack.ctx, (chunk) => void (out += chunk));
    expect(out).toMatch(/imp@example\.com,confirmed,,crypto;markets,/);
    await stack.ctx.subscribers.remove((await stack.ctx.subscribers.findByEmail('imp@example.com'))!.id);
  });

  it('gives a crypto reader a Crypto section and a markets+crypto reader both, from the readers\' combinations only', async () => {
    const ingest = quiet();
    expect(await ingestCommand(stack.ctx, ['--wait'], ingest)).toBe(0);
    expect(ingest.text).toMatch(/3\/3 sources ok/);

    const readers = { 'cat@example.com': ['crypto'], 'mia@example.com': ['crypto', 'markets'], 'wes@example.com': ['world'] };
    for (const [email, topics] of Object.entries(readers)) {
      await stack.ctx.subscribers.create({
        email, name: '', status: 'confirmed', topics, timezone: 'UTC', sendHour: 7, weekdaysOnly: false,
        consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
      });
    }
    const out = quiet();
    expect(await editionSendCommand(stack.ctx, ['--now', '--wait'], { out, pollMs: 200 })).toBe(0);
    expect(out.text).toMatch(/sent 3\s+failed 0/);
    const messages = await stack.smtp.waitFor(3);
    const mail = (to: string) => messages.find((m) => m.envelopeTo[0] === to)!.parsed;

    const [edition] = await createEditionStore({ redis: stack.ctx.redis, keys: stack.ctx.keys }).list({ limit: 1 });
    // The readers' three combinations; not every one of the 7 possible.
    expect(edition!.variants).toEqual(['crypto', 'crypto+markets', 'world']);

    const cat = mail('cat@example.com');
    expect(cat.text).toContain('CRYPTO');
    expect(cat.text).toContain(CRYPTO_STORY);
    expect(cat.text).not.toContain(MARKETS_STORY);
    expect(cat.text).not.toContain('MARKETS');
    expect(cat.text!.replace(/\s+/g, ' ')).toContain('(Crypto)');

    const mia = mail('mia@example.com');
    const $ = cheerio.load(String(mia.html));
    expect($.text()).toContain('MARKETS');
    expect($.text()).toContain('CRYPTO');
    expect(mia.text).toContain(MARKETS_STORY);
    expect(mia.text).toContain(CRYPTO_STORY);
    expect(mia.text).not.toContain(WORLD_STORY);
    expect(mia.text!.replace(/\s+/g, ' ')).toContain('(Markets and Crypto)');
    // Sections in the sources file's order: Markets before Crypto.
    expect(mia.text!.indexOf('MARKETS')).toBeLessThan(mia.text!.indexOf('CRYPTO'));

    const wes = mail('wes@example.com');
    expect(wes.text).toContain(WORLD_STORY);
    expect(wes.text).not.toContain(CRYPTO_STORY);

    // The preference centre offers the third topic, ticked for this reader.
    const prefs = new URL(linkFrom(cat.text!, 'http://localhost:3000/preferences/')).pathname;
    const page = cheerio.load((await stack.app.inject({ method: 'GET', url: prefs })).body);
    expect(page('input[name=topics]').map((_i, el) => page(el).attr('value')).get()).toEqual(['markets', 'world', 'crypto']);
    expect(page('input[value=crypto]').is(':checked')).toBe(true);
    expect(page('input[value=markets]').is(':checked')).toBe(false);
  }, 90_000);
});
