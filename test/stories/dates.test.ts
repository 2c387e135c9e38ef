// Feed dates as publishers really write them (plain inputs, no I/O).
import { describe, expect, it } from 'vitest';
import { parseFeedDate, publishedAt } from '../../src/stories/dates.js';

const REF = new Date('2026-03-10T16:00:00Z');

describe('parseFeedDate', () => {
  it.each([
    // ISO 8601 and its variations
    ['2009-01-12T5:40:14-05:00', '2009-01-12T10:40:14.000Z'],
    ['2026-03-10T09:30:00.123+05:30', '2026-03-10T04:00:00.000Z'],
    ['2026-03-10 05:45:00 +0000', '2026-03-10T05:45:00.000Z'],
    ['2026-03-10 05:45 EST', '2026-03-10T10:45:00.000Z'],
    ['2020/1/10 14:33:00', '2020-01-10T14:33:00.000Z'],
    ['2020.01.10', '2020-01-10T00:00:00.000Z'],
    ['10.03.2026 08:30', '2026-03-10T08:30:00.000Z'],
    ['10.03.2026, 08:30:15 +0100', '2026-03-10T07:30:15.000Z'],
    // RFC 822 / 1123 and their variations
    ['Tue, 10 Mar 2026 08:30:00 GMT', '2026-03-10T08:30:00.000Z'],
    ['Tue, 10 Mar 2026 08:30:00 +0000 (UTC)', '2026-03-10T08:30:00.000Z'],
    ['Tuesday, 10 March 2026 08:30:00 -0500', '2026-03-10T13:30:00.000Z'],
    ['Sat, Dec 16 2023 02:02:33 PM', '2023-12-16T14:02:33.000Z'],
    ['December 16, 2023 2:02 pm EST', '2023-12-16T19:02:00.000Z'],
    ['16th December 2023 12:05 AM', '2023-12-16T00:05:00.000Z'],
    ['Tue, 10 Mar 2026 8:30:00 GMT+01:00', '2026-03-10T07:30:00.000Z'],
    // day and month names in Portuguese, Spanish, French, German, Italian
    ['Seg, 24 Set 2018 19:42:40 -0300', '2018-09-24T22:42:40.000Z'],
    ['24 de setembro de 2018 às 19:42', '2018-09-24T19:42:00.000Z'],
    ['miércoles, 4 de diciembre de 2019 10:00 +0100', '2019-12-04T09:00:00.000Z'],
    ['mar., 10 mars 2026 08:30:00 +0100', '2026-03-10T07:30:00.000Z'],
    ['mardi 10 février 2026 8h30', '2026-02-10T08:30:00.000Z'],
    ['Dienstag, 10. März 2026 08:30 MEZ', '2026-03-10T07:30:00.000Z'],
    ['Di, 10 Okt 2023 08:30:00 +0200', '2023-10-10T06:30:00.000Z'],
    ['giovedì 5 febbraio 2026 18:00', '2026-02-05T18:00:00.000Z'],
    ['gio, 05 ago 2021 18:00:00 +0200', '2021-08-05T16:00:00.000Z'],
    // a bare time: the reference day in its zone, or the day before when still to come
    ['4:45:00 PM EDT', '2026-03-09T20:45:00.000Z'],
    ['9:15 AM EST', '2026-03-10T14:15:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseFeedDate(text, REF)?.toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', 'sometime last week', '31 Apr 2026', '2026-13-01', 'Tue, 10 Foo 2026 08:30:00 GMT', '10/03/2026', '25:61'])('%j is unreadable', (text) => {
    expect(parseFeedDate(text, REF)).toBeNull();
  });
});

describe('publishedAt', () => {
  it('takes the first readable date that is not in the future; otherwise null (the caller uses first-seen)', () => {
    expect(publishedAt(['garbage', 'Tue, 10 Mar 2026 08:30:00 GMT'], REF)?.toISOString()).toBe('2026-03-10T08:30:00.000Z');
    expect(publishedAt(['2026-03-10T16:04:00Z'], REF)?.toISOString()).toBe('2026-03-10T16:04:00.000Z'); // clock skew
    expect(publishedAt(['2026-03-10T17:00:00Z'], REF)).toBeNull();
    expect(publishedAt([], REF)).toBeNull();
  });
});
