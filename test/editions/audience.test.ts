// The edition port as the worker wires it: a scheduled edition renders only the topic
// combinations of the readers due in its slot; a send-now edition, those of every reader.
import { afterEach, describe, expect, it } from 'vitest';
import { countingCompiler } from '../../src/editions/compile.js';
import { createContext, type AppContext } from '../../src/context.js';
import { createEditionPort } from '../../src/processes/delivery-ports.js';
import { testConfig } from '../helpers/env.js';
import { closeTestContext } from '../helpers/redis.js';

let ctx: AppContext | undefined;
afterEach(async () => {
  await closeTestContext(ctx);
  ctx = undefined;
});

const reader = (email: string, topics: string[], timezone: string, sendHour: number, weekly?: 'tue' | 'wed') => ({
  email, name: '', status: 'confirmed' as const, topics, timezone, sendHour, weekdaysOnly: false,
  consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
  ...(weekly ? { cadence: 'weekly' as const, weeklyDay: weekly } : {}),
});

describe('edition audience', () => {
  it('renders the combinations of the readers due in the slot, not of everyone', async () => {
    ctx = createContext(testConfig(), { name: 'test' });
    // 07:00 UTC: London in winter and Lisbon at 7; New York's 7 o'clock is another slot.
    await ctx.subscribers.create(reader('a@example.com', ['world'], 'Europe/London', 7));
    await ctx.subscribers.create(reader('b@example.com', ['markets', 'world'], 'Europe/Lisbon', 7));
    await ctx.subscribers.create(reader('c@example.com', ['markets'], 'America/New_York', 7));
    const compile = countingCompiler();
    const port = createEditionPort(ctx, () => new Date('2026-11-24T07:05:00Z'), compile);

    const scheduled = await port.build({ slot: '2026-11-24T07:00:00.000Z', mode: 'scheduled' });
    expect((await ctx.editions.get(scheduled.editionId))!.variants).toEqual(['markets+world', 'world']);
    expect(compile.count).toBe(2);

    const now = await port.build({ slot: '2026-11-24T07:05:00.000Z', mode: 'now' });
    expect((await ctx.editions.get(now.editionId))!.variants).toEqual(['markets', 'markets+world', 'world']);
    expect(compile.count).toBe(5);
    // A reader whose own combination is not in an edition gets the closest one.
    expect(port.variantFor(['markets'])).toBe('markets');
    expect((await port.getVariant(scheduled.editionId, 'markets'))!.key).toBe('markets+world');
  }, 30_000);

  it('renders a weekly edition for the weekly readers due that day only, and a daily one without them', async () => {
    ctx = createContext(testConfig(), { name: 'test' });
    // 2026-11-24 is a Tuesday; 07:00 UTC is 7 o'clock in London.
    await ctx.subscribers.create(reader('d@example.com', ['world'], 'Europe/London', 7));
    await ctx.subscribers.create(reader('tue@example.com', ['markets'], 'Europe/London', 7, 'tue'));
    await ctx.subscribers.create(reader('wed@example.com', ['markets', 'world'], 'Europe/London', 7, 'wed'));
    const compile = countingCompiler();
    const port = createEditionPort(ctx, () => new Date('2026-11-24T07:05:00Z'), compile);

    const daily = await port.build({ slot: '2026-11-24T07:00:00.000Z', mode: 'scheduled' });
    expect((await ctx.editions.get(daily.editionId))!.variants).toEqual(['world']);
    const weekly = await port.build({ slot: '2026-11-24T07:00:00.000Z', mode: 'weekly' });
    expect(weekly.editionId).not.toBe(daily.editionId);
    expect((await ctx.editions.get(weekly.editionId))!.variants).toEqual(['markets']);
    expect(compile.count).toBe(2);
  }, 30_000);
});
