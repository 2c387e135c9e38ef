// Pure helpers: plain inputs, plain outputs.
import { describe, expect, it } from 'vitest';
import { asciiHtml, relativeAge, signed, signedPercent, subjectFrom, timeLabel, truncate, wrap, formatLevel } from '../../src/editions/format.js';
import { pickClusters } from '../../src/editions/pick.js';
import { DEFAULT_TOPICS, topicsOfKey } from '../../src/topics.js';
import { cluster } from './fixtures.js';

const at = new Date('2026-11-24T07:00:00Z');

describe('format', () => {
  it('ages stories relative to the slot', () => {
    expect(relativeAge(new Date('2026-11-24T07:05:00Z'), at)).toBe('just now');
    expect(relativeAge(new Date('2026-11-24T06:35:00Z'), at)).toBe('25 min ago');
    expect(relativeAge(new Date('2026-11-24T04:00:00Z'), at)).toBe('3 h ago');
    expect(relativeAge(new Date('2026-11-21T07:00:00Z'), at)).toBe('3 days ago');
  });

  it('signs every change so direction reads without colour', () => {
    expect(signed(12.3)).toBe('+12.30');
    expect(signed(-0.0031, (n) => formatLevel(n, 1.08))).toBe('-0.0031');
    expect(signed(0, (n) => formatLevel(n, 8120.5))).toBe('0.00');
    expect(signedPercent(-0.544)).toBe('-0.54%');
    expect(formatLevel(5012.345)).toBe('5,012.35');
  });

  it('labels times in the edition zone, with the day when it is not the slot day', () => {
    expect(timeLabel(new Date('2026-11-24T06:55:00Z'), 'UTC', at)).toBe('06:55 UTC');
    expect(timeLabel(new Date('2026-11-23T21:00:00Z'), 'America/New_York', at)).toBe('23 Nov 16:00 GMT-5');
  });

  it('builds subjects from the pattern, one line, bounded', () => {
    const s = subjectFrom('Markets & World — {date}: {top headline}', { date: 'Tue 24 Nov', topHeadline: 'Fed\r\nholds', brand: 'B' });
    expect(s).toBe('Markets & World — Tue 24 Nov: Fed holds');
    const long = subjectFrom('{brand}: {top headline}', { date: '', topHeadline: 'word '.repeat(100), brand: 'B' });
    expect(long.length).toBeLessThanOrEqual(150);
    expect(long.endsWith('…')).toBe(true);
    expect(subjectFrom('{date}: {top headline}', { date: 'Tue', topHeadline: null, brand: 'B' })).toBe('Tue: no new stories');
  });

  it('truncates at word boundaries and wraps text lines', () => {
    expect(truncate('alpha beta gamma delta', 18)).toBe('alpha beta gamma…');
    expect(truncate('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(truncate('short', 12)).toBe('short');
    expect(wrap('aaa bbb ccc ddd', 7, '  ')).toBe('  aaa bbb\n  ccc ddd');
    expect(asciiHtml('a—b 🦊')).toBe('a&#8212;b &#129418;');
  });
});

describe('pickClusters and variant keys', () => {
  it('caps per section, keeps rank order, drops repeats by id and by URL', () => {
    const a = cluster(1, 'markets');
    const dupUrl = { ...cluster(2, 'markets'), lead: { ...cluster(2, 'markets').lead, url: a.lead.url } };
    const ranked = [a, a, dupUrl, cluster(3, 'markets'), cluster(4, 'markets'), cluster(1, 'world')];
    expect(pickClusters(ranked, { sections: ['markets', 'world'], perSection: 2 }).map((c) => c.id)).toEqual([
      'c-markets-1',
      'c-markets-3',
      'c-world-1',
    ]);
    expect(pickClusters(ranked, { sections: ['world'], perSection: 5 }).map((c) => c.id)).toEqual(['c-world-1']);
  });

  it('accepts only topicsKey forms of configured topics', () => {
    expect(topicsOfKey('markets+world', DEFAULT_TOPICS)).toEqual(['markets', 'world']);
    expect(() => topicsOfKey('world+markets', DEFAULT_TOPICS)).toThrow();
    expect(() => topicsOfKey('', DEFAULT_TOPICS)).toThrow();
    expect(() => topicsOfKey('crypto', DEFAULT_TOPICS)).toThrow();
  });
});
