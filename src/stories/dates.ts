// Feed dates → UTC instants, tolerantly: ISO 8601 and its sloppy cousins
// ("2009-01-12T5:40:14-05:00", "2020/1/10 14:33:00"), RFC 822/1123 and their
// variations ("Sat, Dec 16 2023 02:02:33 PM", "… +0000 (UTC)"), day and month names
// in six languages, and a bare time ("4:45:00 PM EDT", on the fetch day). Zoneless
// dates are UTC. What cannot be read is null: the caller never invents a time.
import { CONNECTORS, MONTHS, WEEKDAYS, ZONES } from './date-words.js';

/** Clock skew tolerated before a date counts as "in the future" (and so unreadable). */
export const FUTURE_SKEW_MS = 5 * 60_000;

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2})(?:[.,]\d+)?)?)?\s*([A-Z]{1,5}|[+-]\d{1,2}(?::?\d{2})?)?$/i;
/** The form most feeds write exactly (RFC 822/1123): read without the general machinery. */
const RFC822 = /^(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}|GMT|UTC|UT|Z)$/;
/** Day first with dots, as German and other European feeds write it: "10.03.2026 08:30". */
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([A-Z]{1,5}|[+-]\d{1,2}(?::?\d{2})?)?$/i;
const TIME = /^(\d{1,2})(?::|h)(\d{2})(?::(\d{2})(?:[.,]\d+)?)?$/i;
const OFFSET = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

interface Parts {
  year?: number;
  month?: number;
  day?: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC. */
  offset: number;
}

function offsetOf(text: string | undefined): number | undefined {
  if (!text) return 0;
  const upper = text.toUpperCase();
  if (ZONES.has(upper)) return ZONES.get(upper);
  const m = OFFSET.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function instant(p: Parts, reference: Date): Date | null {
  let { year, month, day } = p;
  if (year === undefined || month === undefined || day === undefined) {
    // Only a time: the fetch day in the feed's zone, or the day before if that is still to come.
    if (year !== undefined || month !== undefined || day !== undefined) return null;
    const local = new Date(reference.getTime() + p.offset * 60_000);
    [year, month, day] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate()];
    const today = instant({ ...p, year, month, day }, reference);
    if (!today || today.getTime() <= reference.getTime() + FUTURE_SKEW_MS) return today;
    return new Date(today.getTime() - 86_400_000);
  }
  if (year < 100) year += year < 70 ? 2000 : 1900;
  if (month < 1 || month > 12 || day < 1 || day > 31 || p.hour > 24 || p.minute > 59 || p.second > 60 || year < 1970 || year > 2200) return null;
  const local = Date.UTC(year, month - 1, day, p.hour, p.minute, Math.min(p.second, 59));
  if (new Date(local).getUTCDate() !== day) return null; // 31 April
  return new Date(local - p.offset * 60_000);
}

/** Numeric dates: ISO order (year first), or day first with dots. */
function fromNumbers(s: string, reference: Date): Date | null | undefined {
  const iso = ISO.exec(s);
  const dotted = iso ? null : DOTTED.exec(s);
  const m = iso ?? dotted;
  if (!m) return undefined;
  const offset = offsetOf(m[7]);
  if (offset === undefined) return null;
  const n = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const [year, month, day] = iso ? [n[0], n[1], n[2]] : [n[2], n[1], n[0]];
  return instant({ year, month, day, hour: n[3], minute: n[4], second: n[5], offset }, reference);
}

/** Words and numbers in any order: "Seg, 24 Set 2018 19:42:40 -0300", "December 16, 2023 2:02 pm EST". */
function fromWords(s: string, reference: Date): Date | null {
  const tokens = s
    .toLowerCase()
    .replace(/(\d)(st|nd|rd|th)\b/g, '$1')
    .split(/[\s,]+|(?<=\p{L})\.(?=[\s,]|$)|(?<=\d)\.(?=\s)/u)
    .filter(Boolean);
  const p: Parts = { hour: 0, minute: 0, second: 0, offset: 0 };
  let meridiem: 'am' | 'pm' | undefined;
  let zoned = false;
  const numbers: number[] = [];
  // A weekday and a month can share a name ("mar" is March and, in es/fr/it, Tuesday): when
  // two names are written, the first is the weekday.
  const named = tokens.flatMap((t, i) => (MONTHS.has(t) || WEEKDAYS.has(t) ? [i] : []));
  const weekdayAt = named.length > 1 && WEEKDAYS.has(tokens[named[0]!]!) ? named[0] : undefined;
  for (const [i, token] of tokens.entries()) {
    const time = TIME.exec(token);
    if (time) {
      [p.hour, p.minute, p.second] = [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)];
      continue;
    }
    if (/^[ap]\.?m\.?$/.test(token)) {
      meridiem = token.startsWith('a') ? 'am' : 'pm';
      continue;
    }
    if (/^\d{4}$/.test(token) && p.year === undefined) {
      p.year = Number(token);
      continue;
    }
    if (/^\d{1,2}$/.test(token)) {
      numbers.push(Number(token));
      continue;
    }
    const zone = !zoned && i > 0 ? offsetOf(token.replace(/^\((.*)\)$/, '$1')) : undefined;
    if (zone !== undefined && !/^\d/.test(token)) {
      p.offset = zone;
      zoned = true;
      continue;
    }
    if (MONTHS.has(token) && p.month === undefined && i !== weekdayAt) {
      p.month = MONTHS.get(token);
      continue;
    }
    if (WEEKDAYS.has(token) || CONNECTORS.has(token) || /^\(.*\)$/.test(token) || /^[-–—/|@]$/.test(token)) continue;
    return null;
  }
  if (numbers.length) p.day = numbers[0];
  if (numbers.length > 1 && p.year === undefined) p.year = numbers[1];
  if (numbers.length > 2 || (numbers.length > 1 && p.year !== numbers[1] && p.year !== undefined)) return null;
  if (meridiem) {
    if (p.hour > 12) return null;
    p.hour = (p.hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  return instant(p, reference);
}

/** One feed date; null when it cannot be read. `reference` dates a bare time (the fetch time). */
export function parseFeedDate(text: string | null | undefined, reference: Date = new Date()): Date | null {
  if (!text) return null;
  const trimmed = text.trim();
  const s = trimmed.endsWith(')') ? trimmed.replace(/\s+/g, ' ').replace(/\s*\([A-Za-z ]{1,30}\)$/, '') : trimmed.replace(/\s+/g, ' ');
  if (!s || s.length > 100) return null;
  const rfc = RFC822.exec(s);
  const month = rfc ? MONTHS.get(rfc[2]!.toLowerCase()) : undefined;
  if (rfc && month) {
    const n = (i: number) => Number(rfc[i]);
    return instant({ year: n(3), month, day: n(1), hour: n(4), minute: n(5), second: n(6), offset: offsetOf(rfc[7])! }, reference);
  }
  const numeric = fromNumbers(s, reference);
  if (numeric !== undefined) return numeric;
  return fromWords(s, reference);
}

/** The first of the item's date texts that reads as a time not in the future; null when none does. */
export function publishedAt(texts: readonly (string | null | undefined)[], fetchedAt: Date): Date | null {
  for (const text of texts) {
    const d = parseFeedDate(text, fetchedAt);
    if (d && d.getTime() <= fetchedAt.getTime() + FUTURE_SKEW_MS) return d;
  }
  return null;
}
