import { describe, expect, it } from 'vitest';
import { emailHash, InvalidAddressError, normaliseEmail } from '../../src/subscribers/address.js';

describe('normaliseEmail', () => {
  it.each([
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['bob.smith+news@sub.example.co.uk', 'bob.smith+news@sub.example.co.uk'],
    ['user@bücher.example', 'user@xn--bcher-kva.example'],
    ['user@Bücher.Example.', 'user@xn--bcher-kva.example'],
    ["o'reilly@example.org", "o'reilly@example.org"],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([
    ['', /required/],
    ['plainaddress', /look like/],
    ['@example.com', /look like/],
    ['user@', /look like/],
    ['user@localhost', /domain/],
    ['user@-bad.example', /domain/],
    ['user@example.123', /domain/],
    ['us er@example.com', /name part/],
    ['user..dots@example.com', /name part/],
    ['.user@example.com', /name part/],
    ['user@example.com\r\nBcc: victim@example.com', /line breaks/],
    ['<script>@example.com', /name part/],
    [`${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com`, /254/],
    [`${'a'.repeat(65)}@example.com`, /name part/],
  ])('refuses %j', (raw, message) => {
    expect(() => normaliseEmail(raw)).toThrowError(InvalidAddressError);
    expect(() => normaliseEmail(raw)).toThrowError(message);
  });

  it('gives plain ASCII domains the same answer as the IDN path', async () => {
    const { domainToASCII } = await import('node:url');
    for (const domain of ['example.com', 'Sub.Example.CO.uk', 'a-b.example', 'ab--cd.example', 'xn--bcher-kva.example', 'xn--zz.com', 'example.0x10', '1.2.3.4']) {
      const viaIdn = (() => {
        const d = domainToASCII(domain.toLowerCase());
        return d && d.split('.').length >= 2 && !/^\d+$/.test(d.split('.').at(-1)!) ? `a@${d}` : 'refused';
      })();
      const ours = (() => {
        try {
          return normaliseEmail(`a@${domain}`);
        } catch {
          return 'refused';
        }
      })();
      expect(ours, domain).toBe(viaIdn);
    }
  });

  it('hashes the normalised form, so case and spacing do not matter', () => {
    expect(emailHash(normaliseEmail(' A@Example.com'))).toBe(emailHash('a@example.com'));
    expect(emailHash('a@example.com')).toMatch(/^[0-9a-f]{64}$/);
  });
});
