// The whole pipeline with the real parts: feeds served locally → ingest → edition
// build → fan-out → send workers → real SMTP; then the reader's links work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionSendCommand } from '../../src/cli/edition-send.js';
import { ingestCommand } from '../../src/cli/ingest.js';
import { createEditionStore } from '../../src/editions/store.js';
import { longDate, shortDate } from '../../src/editions/format.js';
import { quiet, rss, startFeedStack, type FeedStack } from '../helpers/feeds-stack.js';
import { linkFrom, type Stack } from '../helpers/stack.js';

describe('pipeline: feeds → edition → every reader, once', () => {
  let running: FeedStack;
  let stack: Stack;
  const readers = ['ann@example.com', 'bo@example.com', 'cy@example.com', 'di@example.com'];

  beforeAll(async () => {
    running = await startFeedStack(
      {
        '/markets.xml': rss('Markets Wire', 'https://markets.example.com', [
          { title: 'Central bank holds rates steady as inflation cools', path: '/markets/rates-hold', hoursAgo: 2, text: 'The central bank kept its benchmark rate unchanged on Tuesday, citing cooling inflation and a softer labour market.' },
          { title: 'Oil prices slide after supply data surprise', path: '/markets/oil-slide', hoursAgo: 3, text: 'Crude futures fell more than 2% after inventories rose unexpectedly, adding to concerns about demand.' },
        ]),
        '/world.xml': rss('World Desk', 'https://world.example.org', [
          { title: 'Leaders agree new climate finance framework at summit', path: '/world/climate-deal', hoursAgo: 1, text: 'Negotiators reached a deal on a framework for climate finance after two weeks of talks.' },
          { title: 'Central bank holds interest rates steady as inflation cools', path: '/world/rates', hoursAgo: 2, text: 'Policymakers kept the benchmark rate unchanged, saying inflation is cooling.' },
        ]),
      },
      (url) => ({
        feeds: [
          { id: 'markets-wire', name: 'Markets Wire', url: url('/markets.xml'), topic: 'markets' },
          { id: 'world-desk', name: 'World Desk', url: url('/world.xml'), topic: 'world' },
        ],
      }),
    );
    stack = running.stack;
  }, 60_000);

  afterAll(async () => running?.close());

  it('delivers one digest per confirmed reader, with headers, both parts and working links', async () => {
    const ingest = quiet();
    expect(await ingestCommand(stack.ctx, ['--wait'], ingest)).toBe(0);
    expect(ingest.text).toMatch(/2\/2 sources ok/);

    for (const [i, email] of readers.entries()) {
      await stack.ctx.subscribers.create({
        email, name: i === 0 ? 'Ann <b>' : '', status: i === 3 ? 'unsubscribed' : 'confirmed',
        topics: i === 1 ? ['world'] : ['markets', 'world'], timezone: i === 2 ? 'Pacific/Kiritimati' : 'UTC', sendHour: 7, weekdaysOnly: false,
        consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
      });
    }

    const out = quiet();
    expect(await editionSendCommand(stack.ctx, ['--now', '--wait'], { out, pollMs: 200 })).toBe(0);
    expect(out.text).toMatch(/sent 3\s+failed 0\s+bounced 0\s+unknown 0/);
    const messages = await stack.smtp.waitFor(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.smtp.messages).toHaveLength(3);
    expect(messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['ann@example.com', 'bo@example.com', 'cy@example.com']);

    const annMail = messages.find((m) => m.envelopeTo[0] === 'ann@example.com')!;
    const ann = annMail.parsed;
    const head = annMail.raw.toString('utf8').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
    expect(ann.subject).toMatch(/^Daily Stock Markets News — .+: /); // SUBJECT_PATTERN's {brand} is SITE_NAME
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(head).toMatch(/^List-Unsubscribe: <http:\/\/localhost:3000\/unsubscribe\/[^>]+>, ?<mailto:[^>]+>$/m);
    expect(head).toMatch(/^List-I[Dd]: .*<.+>$/m);
    expect(head).toMatch(/^Feedback-ID: /m);
    expect(ann.headers.get('auto-submitted')).toBe('auto-generated');
    expect(annMail.parsed.text?.length).toBeGreaterThan(200);
    expect(annMail.parsed.html).toBeTruthy();
    expect(ann.messageId).toMatch(/@news\.example\.com>$/);
    expect(ann.text).toContain('Central bank holds rates steady as inflation cools');
    expect(ann.html).toContain('https://markets.example.com/markets/rates-hold');
    expect(ann.html).not.toContain('utm_source');
    expect(ann.html).not.toContain('<b>'); // the reader's name is escaped
    expect(ann.html).not.toMatch(/\{\{|\[\[/);

    // Each reader's date is their own: cy lives at UTC+14.
    const [edition] = await createEditionStore({ redis: stack.ctx.redis, keys: stack.ctx.keys }).list({ limit: 1 });
    const slot = new Date(edition!.slot);
    const cy = messages.find((m) => m.envelopeTo[0] === 'cy@example.com')!.parsed;
    expect(cy.subject).toContain(`— ${shortDate(slot, 'Pacific/Kiritimati')}: `);
    expect(cy.text).toContain(longDate(slot, 'Pacific/Kiritimati'));
    expect(ann.subject).toContain(`— ${shortDate(slot, 'UTC')}: `);

    const bo = messages.find((m) => m.envelopeTo[0] === 'bo@example.com')!.parsed;
    expect(bo.text).toContain('Leaders agree new climate finance framework');
    expect(bo.text).not.toContain('Oil prices slide');

    // The reader's one-click unsubscribe link works against the api.
    const unsubscribe = linkFrom(ann.text!, 'http://localhost:3000/unsubscribe/');
    const res = await stack.app.inject({ method: 'POST', url: new URL(unsubscribe).pathname, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    expect((await stack.ctx.subscribers.findByEmail('ann@example.com'))!.status).toBe('unsubscribed');

    // And the browser copy is in the archive.
    const archive = await stack.app.inject({ method: 'GET', url: '/archive' });
    expect(archive.statusCode).toBe(200);
    expect(archive.body).toMatch(/\/archive\/now/);
  }, 90_000);

  it('skips readers when nothing is new since their previous edition (SKIP_EMPTY_EDITIONS)', async () => {
    const before = stack.smtp.messages.length;
    const out = quiet();
    // Same pool, later "send now": bo and cy already had these stories.
    await new Promise((r) => setTimeout(r, 1100)); // a distinct send-now edition id (second resolution)
    expect(await editionSendCommand(stack.ctx, ['--now', '--wait'], { out, pollMs: 200 })).toBe(0);
    expect(out.text).toMatch(/sent 0\s+failed 0\s+bounced 0\s+unknown 0\s+skipped 2/);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.smtp.messages.length).toBe(before);
  }, 60_000);
});
