// Signups are logged as one summary line per interval, not a line each.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startSignupSummary } from '../../src/http/signup-summary.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('signup summary', () => {
  it('counts outcomes and logs them once per interval, and what is left on stop', async () => {
    const { log, lines } = capture();
    const summary = startSignupSummary(log, 50);
    summary.count('created');
    summary.count('created');
    summary.count('honeypot');
    await expect.poll(() => lines.length, { timeout: 2_000 }).toBe(1);
    expect(lines[0]).toMatchObject({ event: 'signup.summary', outcomes: { created: 2, honeypot: 1 } });
    await new Promise((r) => setTimeout(r, 120));
    expect(lines).toHaveLength(1); // nothing counted: nothing logged
    summary.count('address-limited');
    summary.stop();
    expect(lines[1]).toMatchObject({ event: 'signup.summary', outcomes: { 'address-limited': 1 } });
  });
});
