import { describe, expect, it } from 'vitest';
import {
  hadDigestOnLocalDate,
  isDeliveryDay,
  localHourToUtc,
  localParts,
  slotMembers,
  slotsBetween,
} from '../../src/editions/slots.js';

const iso = (d: Date) => d.toISOString();

describe('localHourToUtc', () => {
  it('New York across the spring-forward switch (2026-03-08)', () => {
    expect(iso(localHourToUtc('2026-03-07', 7, 'America/New_York'))).toBe('2026-03-07T12:00:00.000Z');
    expect(iso(localHourToUtc('2026-03-08', 7, 'America/New_York'))).toBe('2026-03-08T11:00:00.000Z');
    // 02:00 does not exist that night: the reader gets it when the clock jumps to 03:00.
    expect(iso(localHourToUtc('2026-03-08', 2, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(localHourToUtc('2026-03-08', 3, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('New York across the fall-back switch (2026-11-01)', () => {
    expect(iso(localHourToUtc('2026-10-31', 7, 'America/New_York'))).toBe('2026-10-31T11:00:00.000Z');
    expect(iso(localHourToUtc('2026-11-01', 7, 'America/New_York'))).toBe('2026-11-01T12:00:00.000Z');
    // 01:00 happens twice: the first one counts, so nobody gets two.
    expect(iso(localHourToUtc('2026-11-01', 1, 'America/New_York'))).toBe('2026-11-01T05:00:00.000Z');
  });

  it('half- and quarter-hour zones', () => {
    expect(iso(localHourToUtc('2026-11-24', 7, 'Asia/Kolkata'))).toBe('2026-11-24T01:30:00.000Z');
    expect(iso(localHourToUtc('2026-11-24', 7, 'Asia/Kathmandu'))).toBe('2026-11-24T01:15:00.000Z');
    // Chatham: +12:45 in the southern winter, +13:45 in summer.
    expect(iso(localHourToUtc('2026-06-15', 7, 'Pacific/Chatham'))).toBe('2026-06-14T18:15:00.000Z');
    expect(iso(localHourToUtc('2026-01-15', 7, 'Pacific/Chatham'))).toBe('2026-01-14T17:15:00.000Z');
  });
});

describe('slotsBetween', () => {
  const pairs = [
    { timezone: 'Europe/London', hour: 7 },
    { timezone: 'Europe/Berlin', hour: 8 },
    { timezone: 'Asia/Kolkata', hour: 7 },
    { timezone: 'America/New_York', hour: 7 },
  ];

  it('groups pairs that share a UTC instant and finds each slot once per day', () => {
    const slots = slotsBetween(new Date('2026-11-24T00:00:00Z'), new Date('2026-11-25T00:00:00Z'), pairs);
    expect(slots).toEqual([
      { slot: '2026-11-24T01:30:00.000Z', members: [{ timezone: 'Asia/Kolkata', hour: 7 }] },
      {
        slot: '2026-11-24T07:00:00.000Z',
        members: [
          { timezone: 'Europe/Berlin', hour: 8 },
          { timezone: 'Europe/London', hour: 7 },
        ],
      },
      { slot: '2026-11-24T12:00:00.000Z', members: [{ timezone: 'America/New_York', hour: 7 }] },
    ]);
  });

  it('the window is half-open: (from, to]', () => {
    const at = new Date('2026-11-24T07:00:00Z');
    expect(slotsBetween(at, new Date(at.getTime() + 60_000), pairs)).toEqual([]);
    expect(slotsBetween(new Date(at.getTime() - 60_000), at, pairs).map((s) => s.slot)).toEqual([iso(at)]);
  });

  it('in summer London and Berlin still share a slot, one hour earlier in UTC', () => {
    expect(slotMembers(new Date('2026-07-01T06:00:00Z'), pairs)).toEqual([
      { timezone: 'Europe/Berlin', hour: 8 },
      { timezone: 'Europe/London', hour: 7 },
    ]);
  });

  it('New York 02:00 readers get exactly one slot on the spring-forward day', () => {
    const slots = slotsBetween(new Date('2026-03-07T12:00:00Z'), new Date('2026-03-09T12:00:00Z'), [
      { timezone: 'America/New_York', hour: 2 },
    ]);
    expect(slots.map((s) => s.slot)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:00:00.000Z']);
  });

  it('New York 01:00 readers get exactly one slot on the fall-back day', () => {
    const slots = slotsBetween(new Date('2026-10-31T12:00:00Z'), new Date('2026-11-02T12:00:00Z'), [
      { timezone: 'America/New_York', hour: 1 },
    ]);
    expect(slots.map((s) => s.slot)).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-02T06:00:00.000Z']);
  });
});

describe('who is due', () => {
  it('weekdays-only follows the local date, not the UTC one', () => {
    // Monday 07:00 in Tokyo is Sunday 22:00 UTC.
    const mondayTokyo = new Date('2026-11-22T22:00:00Z');
    expect(localParts(mondayTokyo, 'Asia/Tokyo')).toMatchObject({ date: '2026-11-23', weekday: 1, hour: 7 });
    expect(isDeliveryDay(mondayTokyo, 'Asia/Tokyo', true)).toBe(true);
    // Saturday 07:00 in New York.
    const saturdayNy = new Date('2026-11-28T12:00:00Z');
    expect(isDeliveryDay(saturdayNy, 'America/New_York', true)).toBe(false);
    expect(isDeliveryDay(saturdayNy, 'America/New_York', false)).toBe(true);
    // Friday 07:00 in Kathmandu is still Friday there (01:15Z).
    expect(isDeliveryDay(new Date('2026-11-27T01:15:00Z'), 'Asia/Kathmandu', true)).toBe(true);
  });

  it('a reader who moved west today is not mailed twice on one local date', () => {
    const london7 = new Date('2026-11-24T07:00:00Z');
    const newYork9 = new Date('2026-11-24T14:00:00Z');
    expect(hadDigestOnLocalDate(london7, newYork9, 'America/New_York')).toBe(true);
    // The next day they are due again.
    expect(hadDigestOnLocalDate(london7, new Date('2026-11-25T14:00:00Z'), 'America/New_York')).toBe(false);
  });

  it('a reader who moved east today gets the next local date', () => {
    const newYork7 = new Date('2026-11-24T12:00:00Z');
    const tokyo7 = new Date('2026-11-24T22:00:00Z'); // 25 Nov in Tokyo
    expect(hadDigestOnLocalDate(newYork7, tokyo7, 'Asia/Tokyo')).toBe(false);
    expect(hadDigestOnLocalDate(null, tokyo7, 'Asia/Tokyo')).toBe(false);
    // Never twice for the same or an earlier slot.
    expect(hadDigestOnLocalDate(tokyo7, tokyo7, 'Asia/Tokyo')).toBe(true);
  });
});
