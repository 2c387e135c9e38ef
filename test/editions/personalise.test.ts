// Per-reader fill: escaped, only http(s) links, no placeholder can survive.
import { describe, expect, it } from 'vitest';
import { renderVariant } from '../../src/editions/render.js';
import { personalise, PlaceholderError, ReaderLinkError, greetingFor } from '../../src/editions/personalise.js';
import type { EditionVariant } from '../../src/editions/model.js';
import { MARKET, READER, SETTINGS, SLOT, clusters } from './fixtures.js';

const variant: EditionVariant = await renderVariant(
  { id: 'e20261124T0700', slot: SLOT, token: 'feedc0ffee12', clusters: clusters(3), market: MARKET },
  'markets+world',
  SETTINGS,
);

describe('personalise', () => {
  it('fills name and links, escaped for HTML and verbatim for text', () => {
    const m = personalise(variant, {
      name: '<b>Ana</b> & "Bo"\r\nBcc: x@evil',
      unsubscribeUrl: 'https://news.example.com/unsubscribe/t?a=1&b="2"',
      preferencesUrl: 'https://news.example.com/preferences/t',
      browserUrl: 'https://news.example.com/archive/e20261124T0700?v=markets%2Bworld',
    });
    expect(m.html).toContain('Hello &lt;b&gt;Ana&lt;/b&gt; &amp; &quot;Bo&quot; Bcc: x@evil,');
    expect(m.html).toContain('href="https://news.example.com/unsubscribe/t?a=1&amp;b=%222%22"');
    expect(m.html).not.toContain('<b>Ana');
    expect(m.text).toContain('Hello <b>Ana</b> & "Bo" Bcc: x@evil,');
    expect(m.text).toContain('Unsubscribe: https://news.example.com/unsubscribe/t?a=1&b=%222%22');
    expect(m.text).toContain('View in your browser: https://news.example.com/archive/e20261124T0700?v=markets%2Bworld');
    expect(m.subject).toBe(variant.subject.replace(`%%${variant.token}:date_short%%`, 'Tue 24 Nov'));
    for (const part of [m.html, m.text]) expect(part).not.toContain('%%');
    // HTML stays ASCII (numeric references) even for a non-ASCII name; the text part is UTF-8.
    const josé = personalise(variant, { ...READER, name: 'José Ñúñez 🦊' });
    expect(josé.html).not.toMatch(/[^\x00-\x7f]/);
    expect(josé.html).toContain('Hello Jos&#233; &#209;&#250;&#241;ez &#129418;,');
    expect(josé.text).toContain('Hello José Ñúñez 🦊,');
  });

  it('dates the header and subject in each reader\'s zone: one slot can be two local dates', () => {
    // 2026-11-24T07:00Z is still the 24th in London and already evening of the 24th in Tokyo,
    // but the 23rd in Honolulu.
    const london = personalise(variant, { ...READER, timezone: 'Europe/London' });
    const honolulu = personalise(variant, { ...READER, timezone: 'Pacific/Honolulu' });
    expect(london.subject).toMatch(/^Markets & World — Tue 24 Nov: /);
    expect(honolulu.subject).toMatch(/^Markets & World — Mon 23 Nov: /);
    expect(london.html).toContain('Tuesday 24 November 2026');
    expect(honolulu.html).toContain('Monday 23 November 2026');
    expect(honolulu.text).toContain('Monday 23 November 2026');
    expect(honolulu.html).not.toContain('Tuesday 24 November 2026');
  });

  it('defaults "view in browser" to the archive page and greets without a name', () => {
    const m = personalise(variant, { ...READER, name: '   ' });
    expect(m.html).toContain('href="https://news.example.com/archive/e20261124T0700"');
    expect(greetingFor('')).toBe('Hello,');
    expect(greetingFor('x'.repeat(500))).toHaveLength('Hello ,'.length + 60);
  });

  it('refuses links that are not http(s)', () => {
    expect(() => personalise(variant, { ...READER, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(ReaderLinkError);
    expect(() => personalise(variant, { ...READER, preferencesUrl: 'not a url' })).toThrow(ReaderLinkError);
  });

  it('throws a named error rather than mail a placeholder it does not know', () => {
    const broken = { ...variant, html: `${variant.html}<p>%%${variant.token}:birthday%%</p>` };
    expect(() => personalise(broken, READER)).toThrow(PlaceholderError);
    const unterminated = { ...variant, key: 'world', text: `${variant.text}%%${variant.token}:greeting` };
    expect(() => personalise(unterminated, READER)).toThrow(PlaceholderError);
  });

  it('costs microseconds per reader', () => {
    personalise(variant, READER);
    const n = 2000;
    const started = performance.now();
    for (let i = 0; i < n; i += 1) personalise(variant, { ...READER, name: `R${i}` });
    const perReaderMs = (performance.now() - started) / n;
    expect(perReaderMs).toBeLessThan(1); // generous for a shared CI box; the benchmark reports the real figure
  });
});
