// Daily, weekly and watchlist readers through the real pipeline: scheduler tick → edition
// builds (daily and weekly for one instant) → fan-out → send workers → real SMTP. A daily
// slot never touches weekly readers; each reader gets their own cadence's mail, once; the
// watchlist reader's instruments and stories come first; the charts are linked.
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/delivery/ledger.js';
import { schedulerTick } from '../../src/delivery/schedule.js';
import { editionIdForSlot } from '../../src/editions/model.js';
import { QUEUE } from '../../src/queues/names.js';
import type { Story } from '../../src/stories/model.js';
import { createStoryPool } from '../../src/stories/pool.js';
import { WEEKDAYS } from '../../src/subscribers/model.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { seedReaders } from './fixtures/harness.js';
import { sessions } from '../editions/fixtures.js';

const HOUR = 3_600_000;

function story(id: string, source: string, hoursAgo: number, title: string, section: 'markets' | 'world', now: Date): Story {
  const at = new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  return { id, sourceId: source, sourceName: source.toUpperCase(), title, url: `https://${source}.example.com/${id}`, summary: `${title}. More detail follows.`, publishedAt: at, fetchedAt: at, section };
}

describe('a mix of daily, weekly and watchlist readers', () => {
  let stack: Stack;
  const now = new Date();
  const slot = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
  const hour = slot.getUTCHours();
  const today = WEEKDAYS[slot.getUTCDay()]!;
  const otherDay = WEEKDAYS[(slot.getUTCDay() + 3) % 7]!;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack();
    const pool = createStoryPool({ redis: stack.ctx.redis, keys: stack.ctx.keys });
    await pool.saveClusters(
      [
        // Three days old but covered by four outlets: the week's lead, never a daily story.
        { id: 'wide', members: ['a', 'b', 'c', 'd'].map((s, i) => story(`wide-${s}`, s, 72 + i, 'Nasdaq rally broadens as chip makers climb', 'markets', now)) },
        { id: 'fresh', members: [story('fresh-1', 'a', 2, 'Central bank holds rates steady', 'markets', now)] },
        { id: 'world', members: [story('world-1', 'e', 1, 'Leaders agree climate finance framework', 'world', now)] },
        { id: 'old', members: [story('old-1', 'f', 200, 'A story from nine days ago', 'world', now)] },
      ],
      now,
    );
    const quote = (symbol: string, label: string, price: number) => ({
      symbol, label, price, previousClose: price - 10, change: 10, changePercent: (10 / (price - 10)) * 100, asOf: new Date(now.getTime() - HOUR).toISOString(),
      state: 'fresh' as const, provider: 'yahoo', history: sessions(price, 10), weekAgoClose: price * 0.95,
    });
    await pool.saveMarketSnapshot({ fetchedAt: now.toISOString(), quotes: [quote('^GSPC', 'S&P 500', 5000), quote('^IXIC', 'Nasdaq', 17000)] });

    const seed = async (name: string, over: Parameters<typeof seedReaders>[2], offset: number) => {
      ids[name] = (await seedReaders(stack.ctx.subscribers, 1, { timezone: 'UTC', sendHour: hour, ...over }, offset))[0]!;
    };
    await seed('daily', {}, 0);
    await seed('dailyWatch', { watchlist: ['^IXIC'] }, 1);
    await seed('weekly', { cadence: 'weekly', weeklyDay: today }, 2);
    await seed('weeklyWatch', { cadence: 'weekly', weeklyDay: today, watchlist: ['^IXIC', '^GSPC'] }, 3);
    await seed('weeklyOtherDay', { cadence: 'weekly', weeklyDay: otherDay }, 4);
  });
  afterAll(async () => {
    await stack.close();
  });

  it('sends each reader their own cadence once, and never queues a weekly reader for a daily slot', async () => {
    const deps = { redis: stack.ctx.redis, keys: stack.ctx.keys, log: stack.ctx.log, slotsInUse: () => stack.ctx.subscribers.slotsInUse(), editionQueue: stack.ctx.queues[QUEUE.edition], freshnessHours: 3 };
    const tick = await schedulerTick(deps, now);
    expect(tick.enqueued).toEqual([slot.toISOString(), `${slot.toISOString()}|weekly`]);

    const mails = await stack.smtp.waitFor(4, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.smtp.messages).toHaveLength(4);
    const byReader = (name: string) => mails.find((m) => m.envelopeTo[0] === `r${String(Object.keys(ids).indexOf(name)).padStart(5, '0')}@example.test`)!;

    const ledger = createLedger({ redis: stack.ctx.redis, keys: stack.ctx.keys });
    const daily = await ledger.report(editionIdForSlot(slot, 'scheduled'));
    const weekly = await ledger.report(editionIdForSlot(slot, 'weekly'));
    expect([daily.queued, daily.sent, daily.skipped]).toEqual([2, 2, 0]);
    expect([weekly.queued, weekly.sent, weekly.skipped]).toEqual([2, 2, 0]);

    // Daily: the last 24 hours. Weekly: the week, most covered first, "This week" header and the week's change.
    const d = byReader('daily').parsed;
    expect(d.subject).not.toMatch(/This week/);
    expect(d.text).toContain('Central bank holds rates steady');
    expect(d.text).not.toContain('Nasdaq rally broadens');
    const w = byReader('weekly').parsed;
    expect(w.subject).toMatch(/This week/);
    expect(w.text).toMatch(/THIS WEEK IN MARKETS/);
    expect(w.text).toMatch(/1\. Nasdaq rally broadens[\s\S]*2\. Central bank holds rates steady/);
    expect(w.text).not.toContain('nine days ago');
    expect(w.text).toMatch(/S&P 500\s+5,000\.00\s+\+250\.00\s+\+5\.26%/);

    // Watchlist readers: their instruments first, their stories marked; charts linked in every mail.
    const $w = cheerio.load(byReader('weeklyWatch').parsed.html as string);
    expect($w('span:contains("On your watchlist")').parent().find('a').first().text()).toBe('Nasdaq rally broadens as chip makers climb');
    const dw = byReader('dailyWatch').parsed;
    expect(dw.text!.indexOf('Nasdaq  ')).toBeLessThan(dw.text!.indexOf('S&P 500  '));
    expect(d.text!.indexOf('S&P 500  ')).toBeLessThan(d.text!.indexOf('Nasdaq  '));
    expect(String(d.html)).not.toContain('On your watchlist');
    expect(cheerio.load(String(d.html))(`img[src$="/charts/${editionIdForSlot(slot, 'scheduled')}/%5EGSPC.png"]`).length).toBe(1);
  });
});
