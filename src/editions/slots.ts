// Slot maths: pure functions from (IANA timezone, local hour) to UTC instants.
// A slot is the UTC instant at which a local hour starts; several (timezone, hour)
// pairs can share one slot (Berlin 08:00 and London 07:00 in winter), and one
// edition is built per slot. No I/O here; tests feed plain dates.

export interface SlotPair {
  timezone: string;
  hour: number;
  /** Weekly readers: the local weekday (0 = Sunday … 6 = Saturday) of their edition. Daily: absent. */
  weekday?: number;
}

export interface DueSlot {
  /** UTC instant the local hours start, ISO string. */
  slot: string;
  members: SlotPair[];
}

export interface LocalParts {
  /** YYYY-MM-DD in the zone. */
  date: string;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday, of the local date. */
  weekday: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The wall-clock time in `timezone` at `at`, as if it were UTC (ms). */
function wallClock(at: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** Offset of the zone at `at`, in ms (local − UTC), to the minute. */
export function zoneOffset(at: Date | number, timezone: string): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  const floored = ms - (((ms % 60_000) + 60_000) % 60_000);
  return wallClock(floored, timezone) - floored;
}

export function localParts(at: Date, timezone: string): LocalParts {
  const wall = new Date(wallClock(at.getTime() - (at.getTime() % 1000), timezone));
  return {
    date: wall.toISOString().slice(0, 10),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    weekday: wall.getUTCDay(),
  };
}

/**
 * The first UTC instant at which the local clock in `timezone` shows `date` `hour`:00 or later.
 * In a spring-forward gap (New York 02:00) that is the moment the clock jumps (03:00 EDT);
 * in a fall-back overlap (New York 01:00 twice) it is the first of the two.
 */
export function localHourToUtc(date: string, hour: number, timezone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour);
  const offsets = new Set([-DAY, 0, DAY].map((delta) => zoneOffset(wall + delta, timezone)));
  const candidates = [...offsets].map((o) => wall - o).sort((a, b) => a - b);
  const exact = candidates.find((u) => wallClock(u, timezone) === wall);
  if (exact !== undefined) return new Date(exact);
  // The hour does not exist that day: find where the clock jumps past it (minute resolution).
  let lo = Math.min(...candidates) - 2 * HOUR;
  let hi = Math.max(...candidates) + 2 * HOUR;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallClock(mid, timezone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Weekday of a local calendar date (0 = Sunday). */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * Every slot whose instant falls in (from, to], with the pairs it serves. A weekly pair
 * is due only on its local weekday: the local date whose hour it is, so a spring-forward
 * gap that moves 02:00 to 03:00 keeps the day.
 */
export function slotsBetween(from: Date, to: Date, pairs: readonly SlotPair[]): DueSlot[] {
  const bySlot = new Map<string, SlotPair[]>();
  for (const pair of pairs) {
    const first = addDays(localParts(from, pair.timezone).date, -1);
    const last = localParts(to, pair.timezone).date;
    for (let date = first; date <= last; date = addDays(date, 1)) {
      if (pair.weekday !== undefined && weekdayOf(date) !== pair.weekday) continue;
      const at = localHourToUtc(date, pair.hour, pair.timezone);
      if (at.getTime() > from.getTime() && at.getTime() <= to.getTime()) {
        const key = at.toISOString();
        const list = bySlot.get(key) ?? [];
        list.push({ timezone: pair.timezone, hour: pair.hour, ...(pair.weekday !== undefined ? { weekday: pair.weekday } : {}) });
        bySlot.set(key, list);
      }
    }
  }
  return [...bySlot.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([slot, members]) => ({
      slot,
      members: members.sort((a, b) => a.timezone.localeCompare(b.timezone) || a.hour - b.hour || (a.weekday ?? -1) - (b.weekday ?? -1)),
    }));
}

/** The previous slot of the same weekly pair: the same local hour, seven local days before. */
export function previousWeeklySlot(slot: Date, pair: SlotPair): Date {
  return localHourToUtc(addDays(localParts(slot, pair.timezone).date, -7), pair.hour, pair.timezone);
}

/** The pairs among `pairs` whose local hour starts exactly at `slot`. */
export function slotMembers(slot: Date, pairs: readonly SlotPair[]): SlotPair[] {
  return slotsBetween(new Date(slot.getTime() - 1), slot, pairs).flatMap((s) => s.members);
}

/** Weekdays-only readers get nothing on their local Saturday and Sunday. */
export function isDeliveryDay(slot: Date, timezone: string, weekdaysOnly: boolean): boolean {
  if (!weekdaysOnly) return true;
  const { weekday } = localParts(slot, timezone);
  return weekday !== 0 && weekday !== 6;
}

/**
 * One digest per local date: a reader whose last digest went out on the same local
 * date (in the timezone they have now) is not due again, e.g. after moving west today.
 */
export function hadDigestOnLocalDate(lastSlot: Date | null, slot: Date, timezone: string): boolean {
  if (!lastSlot) return false;
  if (lastSlot.getTime() >= slot.getTime()) return true;
  return localParts(lastSlot, timezone).date === localParts(slot, timezone).date;
}
