// `digest edition list` and `digest edition report ID` print the funnel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editionListCommand, editionReportCommand } from '../../src/cli/editions-report.js';
import { createContext, type AppContext } from '../../src/context.js';
import { createLedger } from '../../src/delivery/ledger.js';
import { cancelSlot } from '../../src/delivery/schedule.js';
import { createEditionStore } from '../../src/editions/store.js';
import { seedEdition } from '../ops/helpers.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { captureOutput } from '../helpers/output.js';

const capture = captureOutput;

describe('digest edition list / report', () => {
  let ctx: AppContext;
  beforeEach(() => {
    ctx = createContext(testConfig(), { name: 'test-cli' });
  });
  afterEach(async () => {
    const redis = testRedis();
    await dropPrefix(redis, ctx.config.KEY_PREFIX);
    redis.disconnect();
    await ctx.close();
  });

  it('lists recent editions with their funnel and cancelled slots, and reports one', async () => {
    const editions = createEditionStore({ redis: ctx.redis, keys: ctx.keys });
    const ledger = createLedger({ redis: ctx.redis, keys: ctx.keys });
    const slot = new Date(Date.UTC(2030, 0, 1, 7, 0));
    const id = await seedEdition({ editions }, new Date(Date.now() - 7_200_000), 'sending');
    await ledger.start(id, { slot: slot.toISOString(), mode: 'scheduled' });
    await ledger.markQueued(id, ['1', '2', '3', '4']);
    for (const [r, to] of [['1', 'sent'], ['2', 'sent'], ['3', 'bounced']] as const) {
      await ledger.claim(id, r);
      await ledger.finish(id, r, to);
    }
    const missed = new Date(Date.now() - 86_400_000);
    missed.setUTCMinutes(0, 0, 0);
    await cancelSlot({ redis: ctx.redis, keys: ctx.keys, log: ctx.log }, missed.toISOString(), 'missed');

    const { o, output } = capture();
    expect(await editionListCommand(ctx, [], output)).toBe(0);
    const text = o.out.join('\n');
    expect(text).toMatch(new RegExp(`^${id}\\s+\\S+ \\S+\\s+sending\\s+4\\s+2\\s+0\\s+1\\s+0\\s+0\\s+1\\s`, 'm'));
    expect(text).toMatch(new RegExp(`^${missed.toISOString().slice(0, 16).replace('T', ' ')}\\s+missed$`, 'm'));

    const r = capture();
    expect(await editionReportCommand(ctx, [id], r.output)).toBe(0);
    const report = r.o.out.join('\n');
    expect(report).toMatch(/^readers due\s+4$/m);
    expect(report).toMatch(/^sent\s+2$/m);
    expect(report).toMatch(/^bounced\s+1$/m);
    expect(report).toMatch(/^pending\s+1$/m);
    expect(report).toMatch(/^status\s+sending$/m);
  });

  it('says so when there is nothing, and refuses bad arguments', async () => {
    const a = capture();
    expect(await editionListCommand(ctx, [], a.output)).toBe(0);
    expect(a.o.out).toEqual(['no editions in the last 7 day(s)']);
    const b = capture();
    expect(await editionReportCommand(ctx, ['e20990101T0000'], b.output)).toBe(1);
    expect(b.o.err[0]).toContain('no edition "e20990101T0000"');
    expect(await editionReportCommand(ctx, [], capture().output)).toBe(2);
    expect(await editionReportCommand(ctx, ['../x'], capture().output)).toBe(2);
    expect(await editionListCommand(ctx, ['--days', 'x'], capture().output)).toBe(2);
  });
});
