// Slot maths for weekly readers: their weekday at their local hour, across DST changes
// and in :30/:45 zones; and a reader switching daily → weekly mid-week gets neither two
// digests on one day nor a stretch of news no digest covered.
import { describe, expect, it } from 'vitest';
import { hadDigestOnLocalDate, localParts, previousWeeklySlot, slotMembers, slotsBetween, type SlotPair } from '../../src/editions/slots.js';
import { previousWeeklyIds, WEEK_HOURS } from '../../src/editions/weekly.js';
import { WEEKDAYS, type Weekday } from '../../src/subscribers/model.js';

const HOUR = 3_600_000;
const weekly = (timezone: string, hour: number, day: Weekday): SlotPair => ({ timezone, hour, weekday: WEEKDAYS.indexOf(day) });
const slotsOf = (from: string, to: string, pairs: SlotPair[]) => slotsBetween(new Date(from), new Date(to), pairs).map((s) => s.slot);

describe('weekly slots', () => {
  it('come once a week, on the local weekday, at the local hour', () => {
    expect(slotsOf('2026-11-01T00:00:00Z', '2026-11-22T00:00:00Z', [weekly('Europe/London', 7, 'fri')])).toEqual([
      '2026-11-06T07:00:00.000Z',
      '2026-11-13T07:00:00.000Z',
      '2026-11-20T07:00:00.000Z',
    ]);
    // The weekday is the reader's, not UTC's: Monday 07:00 in Kiritimati (UTC+14) is Sunday in UTC.
    expect(slotsOf('2026-11-20T00:00:00Z', '2026-11-27T00:00:00Z', [weekly('Pacific/Kiritimati', 7, 'mon')])).toEqual(['2026-11-22T17:00:00.000Z']);
    expect(localParts(new Date('2026-11-22T17:00:00Z'), 'Pacific/Kiritimati').weekday).toBe(1);
  });

  it('keep their local hour across DST changes, and their day in a spring-forward gap', () => {
    // London Monday 07:00: 07:00Z in March before the change (29 March), 06:00Z after.
    expect(slotsOf('2026-03-20T00:00:00Z', '2026-04-07T00:00:00Z', [weekly('Europe/London', 7, 'mon')])).toEqual([
      '2026-03-23T07:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
      '2026-04-06T06:00:00.000Z',
    ]);
    // New York Sunday 02:00 on 8 March 2026 does not exist: it comes when the clock jumps (03:00 EDT), still that Sunday.
    const ny = slotsOf('2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z', [weekly('America/New_York', 2, 'sun')]);
    expect(ny).toEqual(['2026-03-01T07:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-15T06:00:00.000Z']);
    // New York Sunday 01:00 on 1 November 2026 happens twice: the first one only.
    expect(slotsOf('2026-10-31T00:00:00Z', '2026-11-02T00:00:00Z', [weekly('America/New_York', 1, 'sun')])).toEqual(['2026-11-01T05:00:00.000Z']);
  });

  it('work in half- and quarter-hour zones, and share a slot with daily readers without mixing with them', () => {
    const pairs = [weekly('Asia/Kolkata', 7, 'tue'), weekly('Asia/Kathmandu', 7, 'tue'), weekly('Pacific/Chatham', 7, 'tue'), { timezone: 'Asia/Kolkata', hour: 7 }];
    const due = slotsBetween(new Date('2026-11-23T00:00:00Z'), new Date('2026-11-25T00:00:00Z'), pairs);
    expect(due).toEqual([
      { slot: '2026-11-23T01:30:00.000Z', members: [{ timezone: 'Asia/Kolkata', hour: 7 }] },
      // Chatham is +13:45 in November: Tuesday 07:00 there is Monday 17:15Z.
      { slot: '2026-11-23T17:15:00.000Z', members: [weekly('Pacific/Chatham', 7, 'tue')] },
      { slot: '2026-11-24T01:15:00.000Z', members: [weekly('Asia/Kathmandu', 7, 'tue')] },
      { slot: '2026-11-24T01:30:00.000Z', members: [{ timezone: 'Asia/Kolkata', hour: 7 }, weekly('Asia/Kolkata', 7, 'tue')] },
    ]);
    expect(slotMembers(new Date('2026-11-24T01:30:00Z'), pairs)).toEqual([{ timezone: 'Asia/Kolkata', hour: 7 }, weekly('Asia/Kolkata', 7, 'tue')]);
  });

  it('find the previous weekly edition of the same readers across a DST change', () => {
    const pair = weekly('Europe/London', 7, 'mon');
    expect(previousWeeklySlot(new Date('2026-03-30T06:00:00Z'), pair).toISOString()).toBe('2026-03-23T07:00:00.000Z');
    expect(previousWeeklyIds(new Date('2026-03-30T06:00:00Z'))).toContain('w20260323T0700');
    expect(previousWeeklyIds(new Date('2026-11-24T07:00:00Z'))[0]).toBe('w20261117T0700');
  });
});

/**
 * The pipeline's delivery rule in miniature: every tick, the slots due for the reader's
 * current pair; a digest goes out unless the reader already had one that local date.
 */
function deliveries(reader: { timezone: string; change: { at: string; to: SlotPair }[]; start: SlotPair }, from: string, to: string) {
  const out: { slot: Date; weekly: boolean }[] = [];
  let last: Date | null = null;
  const tick = HOUR / 4;
  for (let t = Date.parse(from); t < Date.parse(to); t += tick) {
    const pair = [...reader.change].reverse().find((c) => Date.parse(c.at) <= t)?.to ?? reader.start;
    for (const { slot } of slotsBetween(new Date(t), new Date(t + tick), [pair])) {
      const at = new Date(slot);
      if (hadDigestOnLocalDate(last, at, reader.timezone)) continue;
      out.push({ slot: at, weekly: pair.weekday !== undefined });
      last = at;
    }
  }
  return out;
}

/** No two digests on one local date; each digest's window reaches back to the previous digest. */
function expectNoDoubleNoGap(sent: { slot: Date; weekly: boolean }[], timezone: string) {
  const dates = sent.map((s) => localParts(s.slot, timezone).date);
  expect(new Set(dates).size).toBe(dates.length);
  for (let i = 1; i < sent.length; i += 1) {
    const windowStart = sent[i]!.slot.getTime() - (sent[i]!.weekly ? WEEK_HOURS : 24) * HOUR;
    expect(windowStart, `digest ${i} (${sent[i]!.slot.toISOString()}) leaves news uncovered`).toBeLessThanOrEqual(sent[i - 1]!.slot.getTime());
  }
}

describe('switching cadence', () => {
  const daily = { timezone: 'Europe/London', hour: 7 };

  it('daily → weekly on Wednesday afternoon: dailies until Wednesday, then the weekly on Friday, no double, no gap', () => {
    const reader = { timezone: 'Europe/London', start: daily, change: [{ at: '2026-11-18T14:00:00Z', to: weekly('Europe/London', 7, 'fri') }] };
    const sent = deliveries(reader, '2026-11-16T00:00:00Z', '2026-11-28T00:00:00Z');
    expect(sent.map((s) => `${s.slot.toISOString().slice(0, 10)} ${s.weekly ? 'weekly' : 'daily'}`)).toEqual([
      '2026-11-16 daily', '2026-11-17 daily', '2026-11-18 daily', '2026-11-20 weekly', '2026-11-27 weekly',
    ]);
    expectNoDoubleNoGap(sent, reader.timezone);
  });

  it('daily → weekly on the weekly day itself, after that morning\'s daily: the same day\'s weekly is not a second mail', () => {
    const reader = { timezone: 'America/New_York', start: { timezone: 'America/New_York', hour: 7 }, change: [{ at: '2026-11-20T15:00:00Z', to: weekly('America/New_York', 18, 'fri') }] };
    const sent = deliveries(reader, '2026-11-18T00:00:00Z', '2026-12-05T00:00:00Z');
    const days = sent.map((s) => localParts(s.slot, reader.timezone).date);
    expect(days).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-27', '2026-12-04']);
    expect(new Set(days).size).toBe(days.length);
  });

  // The other way round, the days between the last weekly and the switch are in no digest
  // (a daily edition covers 24 hours; the archive has them): only "no double" holds.
  it('weekly → daily mid-week, across the DST change in a :30 zone: dailies start the next morning, never two a day', () => {
    const reader = { timezone: 'Australia/Adelaide', start: weekly('Australia/Adelaide', 6, 'sun'), change: [{ at: '2026-10-01T02:00:00Z', to: { timezone: 'Australia/Adelaide', hour: 6 } }] };
    const sent = deliveries(reader, '2026-09-26T00:00:00Z', '2026-10-08T00:00:00Z');
    expect(sent.filter((s) => s.weekly).map((s) => localParts(s.slot, reader.timezone).date)).toEqual(['2026-09-27']);
    const dailies = sent.filter((s) => !s.weekly).map((s) => localParts(s.slot, reader.timezone).date);
    expect(dailies[0]).toBe('2026-10-02');
    expect(dailies).toContain('2026-10-04'); // the DST change (Adelaide moves to +10:30 on 4 October)
    expectNoDoubleNoGap(sent.slice(1), reader.timezone);
    const dates = sent.map((s) => localParts(s.slot, reader.timezone).date);
    expect(new Set(dates).size).toBe(dates.length);
  });
});
