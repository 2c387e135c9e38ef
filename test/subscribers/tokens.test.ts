import { describe, expect, it } from 'vitest';
import { createTokens, InvalidTokenError, type InvalidTokenReason } from '../../src/subscribers/tokens.js';

const tokens = createTokens('x'.repeat(40));
const reason = (fn: () => unknown): InvalidTokenReason | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidTokenError) return err.reason;
    throw err;
  }
  return undefined;
};

describe('link tokens', () => {
  it('round-trips the subscriber id and version', () => {
    const t = tokens.sign('unsubscribe', '000000000042', 3);
    expect(tokens.verify(t, 'unsubscribe')).toEqual({ subscriberId: '000000000042', version: 3 });
  });

  it('carries no address and is URL-safe', () => {
    const t = tokens.sign('confirm', '000000000042', 0, 3600);
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(t.split('.')[0]!, 'base64url').toString()).not.toMatch(/@/);
  });

  it('is bound to its purpose', () => {
    const t = tokens.sign('confirm', '000000000042', 0, 3600);
    expect(reason(() => tokens.verify(t, 'unsubscribe'))).toBe('wrong-purpose');
    expect(reason(() => tokens.verify(t, 'preferences'))).toBe('wrong-purpose');
  });

  it('expires, and says which subscriber an expired confirm link was for', () => {
    const t = tokens.sign('confirm', '000000000042', 0, 60);
    const later = new Date(Date.now() + 61_000);
    let caught: unknown;
    try {
      tokens.verify(t, 'confirm', later);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidTokenError);
    expect((caught as InvalidTokenError).reason).toBe('expired');
    expect((caught as InvalidTokenError).subscriberId).toBe('000000000042');
  });

  it('refuses every single-bit flip of a token, for many tokens (padding bits included)', () => {
    for (let n = 0; n < 50; n++) {
      const t = tokens.sign('unsubscribe', String(n + 1).padStart(12, '0'), n);
      for (let i = 0; i < t.length; i++) {
        if (t[i] === '.') continue;
        const flipped = t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
        if (flipped === t) continue;
        expect(reason(() => tokens.verify(flipped, 'unsubscribe'))).toMatch(/bad-signature|malformed/);
      }
    }
  });

  it('refuses a flipped token (one example, read in full)', () => {
    const t = tokens.sign('unsubscribe', '000000000042', 0);
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '.') continue;
      const flipped = t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
      if (flipped === t) continue;
      expect(reason(() => tokens.verify(flipped, 'unsubscribe'))).toMatch(/bad-signature|malformed/);
    }
  });

  it('refuses a token made with another key, or for another subscriber by editing the payload', () => {
    const other = createTokens('y'.repeat(40)).sign('unsubscribe', '000000000042', 0);
    expect(reason(() => tokens.verify(other, 'unsubscribe'))).toBe('bad-signature');
    const t = tokens.sign('unsubscribe', '000000000042', 0);
    const [body, mac] = t.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    payload.s = '43';
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
    expect(reason(() => tokens.verify(forged, 'unsubscribe'))).toBe('bad-signature');
  });

  it.each(['', 'abc', 'a.b.c', '....', 'x'.repeat(600), '%00.%00'])('refuses garbage %j', (garbage) => {
    expect(reason(() => tokens.verify(garbage, 'confirm'))).toMatch(/malformed|bad-signature/);
  });
});
