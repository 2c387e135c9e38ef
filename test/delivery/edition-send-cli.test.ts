import { afterEach, describe, expect, it } from 'vitest';
import { editionSendCommand } from '../../src/cli/edition-send.js';
import type { Output } from '../../src/cli/output.js';
import { rig, type Rig } from './fixtures/run.js';
import { seedReaders } from './fixtures/harness.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

function capture(): Output & { lines: string[]; errs: string[] } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, line: (t) => lines.push(t), raw: (t) => lines.push(t), err: (t) => errs.push(t), usage: (t) => (errs.push(t), 2) };
}

describe('digest edition send --now --wait', () => {
  it('sends to every confirmed reader whatever their hour and prints the funnel', async () => {
    r = await rig();
    await seedReaders(r.ctx.subscribers, 4, { timezone: 'Asia/Tokyo', sendHour: 3 });
    await seedReaders(r.ctx.subscribers, 3, { timezone: 'America/New_York', sendHour: 22, weekdaysOnly: true }, 4);
    r.smtp.onRcpt = (a) => (a === 'r00005@example.test' ? { code: 550, message: 'no such user' } : undefined);
    r.startWorkers();
    const out = capture();
    const code = await editionSendCommand(r.ctx, ['--now', '--wait'], { out, pollMs: 100 });
    expect(out.lines.at(-1)).toBe('sent 6  failed 0  bounced 1  unknown 0  skipped 0  (of 7 queued)');
    expect(code).toBe(0);
    expect(r.smtp.messages).toHaveLength(6);
  });

  it('exits 1 when sends failed, 2 on bad usage', async () => {
    r = await rig();
    await seedReaders(r.ctx.subscribers, 2);
    // 554 on the message (not the recipient): permanent, not a bounce.
    r.smtp.onData = () => ({ code: 554, message: 'content rejected' });
    r.startWorkers();
    const out = capture();
    expect(await editionSendCommand(r.ctx, ['--now', '--wait'], { out, pollMs: 100 })).toBe(1);
    expect(out.lines.at(-1)).toContain('failed 2');
    expect(await r.ctx.subscribers.isSuppressed('r00000@example.test')).toBe(false);
    expect(await editionSendCommand(r.ctx, ['--later'], { out })).toBe(2);
  });
});
