// The choices a reader can make, end to end over HTTP: signup form with cadence, weekly
// day and watchlist → confirm → welcome mail naming them → preference centre shows and
// changes them, and the delivery indexes follow (a weekly reader is never in a daily slot).
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkFrom, startStack, type Stack } from '../helpers/stack.js';

const form = (fields: [string, string][]) => fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

describe('readers choose cadence, weekly day and watchlist', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' });
  });
  afterEach(async () => {
    await stack.close();
  });

  it('from the signup form to the preference centre', async () => {
    const signup = cheerio.load((await stack.app.inject('/')).body);
    expect(signup('input[name=cadence][value=daily]').attr('checked')).toBeDefined();
    expect(signup('select[name=weeklyDay] option').map((_, o) => signup(o).attr('value')).get()).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    const offered = signup('input[name=watchlist]').map((_, i) => signup(i).attr('value')).get();
    expect(offered).toEqual(stack.ctx.config.sources.market.symbols.map((s) => s.symbol));

    const res = await stack.app.inject({
      method: 'POST',
      url: '/api/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form([
        ['email', 'weekly@example.com'], ['name', 'Wes'], ['topics', 'markets'], ['timezone', 'Asia/Kathmandu'], ['sendHour', '7'],
        ['cadence', 'weekly'], ['weeklyDay', 'fri'], ['watchlist', '^GSPC'], ['watchlist', 'GC=F'], ['watchlist', 'NOT-OFFERED'],
      ]),
    });
    expect(res.statusCode).toBe(202);
    const pending = (await stack.ctx.subscribers.findByEmail('weekly@example.com'))!;
    expect(pending).toMatchObject({ cadence: 'weekly', weeklyDay: 'fri', watchlist: ['^GSPC', 'GC=F'] });

    await stack.smtp.waitFor(1); // the confirmation
    const confirmed = await stack.app.inject({ method: 'POST', url: new URL(stack.ctx.subscriptions.links(pending).confirm).pathname });
    expect(confirmed.body).toContain('You are subscribed');
    expect(await stack.ctx.subscribers.pageWeeklySlot('Asia/Kathmandu', 7, 5, null, 10)).toEqual([pending.id]);
    expect(await stack.ctx.subscribers.pageSlot('Asia/Kathmandu', 7, null, 10)).toEqual([]);

    const [, welcome] = await stack.smtp.waitFor(2);
    expect(welcome!.parsed.text).toContain('Every Friday at 07:00 (Asia/Kathmandu), the best of the week. Your watchlist: S&P 500, Gold;');

    const prefsPath = new URL(linkFrom(welcome!.parsed.text!, 'http://localhost:3000/preferences/')).pathname;
    const page = cheerio.load((await stack.app.inject(prefsPath)).body);
    expect(page('input[name=cadence][value=weekly]').attr('checked')).toBeDefined();
    expect(page('select[name=weeklyDay] option[selected]').attr('value')).toBe('fri');
    expect(page('input[name=watchlist][checked]').map((_, i) => page(i).attr('value')).get()).toEqual(['^GSPC', 'GC=F']);

    // Back to daily with another watchlist: the indexes move with the record.
    const saved = await stack.app.inject({
      method: 'POST',
      url: prefsPath,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form([['topics', 'markets'], ['timezone', 'Asia/Kathmandu'], ['sendHour', '7'], ['cadence', 'daily'], ['weeklyDay', 'fri'], ['watchlist', '^IXIC']]),
    });
    expect(saved.statusCode).toBe(200);
    expect(cheerio.load(saved.body)('input[name=cadence][value=daily]').attr('checked')).toBeDefined();
    expect(await stack.ctx.subscribers.get(pending.id)).toMatchObject({ cadence: 'daily', weeklyDay: 'fri', watchlist: ['^IXIC'] });
    expect(await stack.ctx.subscribers.pageSlot('Asia/Kathmandu', 7, null, 10)).toEqual([pending.id]);
    expect(await stack.ctx.subscribers.pageWeeklySlot('Asia/Kathmandu', 7, 5, null, 10)).toEqual([]);
    expect((await stack.ctx.subscribers.slotsInUse()).filter((s) => s.weekday !== undefined)).toEqual([]);

    // No box ticked empties the watchlist; more than ten is refused with the reason.
    await stack.app.inject({ method: 'POST', url: prefsPath, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form([['topics', 'world'], ['timezone', 'UTC'], ['sendHour', '6']]) });
    expect(await stack.ctx.subscribers.get(pending.id)).toMatchObject({ cadence: 'daily', watchlist: [] });
    const many = stack.ctx.config.sources.market.symbols.slice(0, 11).map((s): [string, string] => ['watchlist', s.symbol]);
    const refused = await stack.app.inject({ method: 'POST', url: prefsPath, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form([['topics', 'world'], ['timezone', 'UTC'], ['sendHour', '6'], ...many]) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('choose at most 10 instruments');
    const bad = await stack.app.inject({ method: 'POST', url: prefsPath, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form([['topics', 'world'], ['timezone', 'UTC'], ['sendHour', '6'], ['cadence', 'hourly']]) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('cadence must be daily or weekly');
  });
});
