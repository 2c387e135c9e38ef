// Pure formatting for the digest: dates, ages, prices, subjects, text wrapping.
// Formatters are cached because Intl construction costs more than formatting.

const formatters = new Map<string, Intl.DateTimeFormat>();
function dtf(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
    formatters.set(key, f);
  }
  return f;
}

/** "Tuesday 24 November 2026" in the edition's time zone. */
export function longDate(at: Date, timeZone: string): string {
  return dtf(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at).replace(',', '');
}

/** "Tue 24 Nov" for subjects. */
export function shortDate(at: Date, timeZone: string): string {
  return dtf(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(at).replace(',', '');
}

/** "16:30 UTC", or "23 Nov 16:30 UTC" when not on the reference day. */
export function timeLabel(at: Date, timeZone: string, reference: Date): string {
  const sameDay = dtf(timeZone, { dateStyle: 'short' }).format(at) === dtf(timeZone, { dateStyle: 'short' }).format(reference);
  const opts: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }
    : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  return dtf(timeZone, opts).format(at).replace(',', '');
}

/** "just now", "25 min ago", "3 h ago", "2 days ago" — relative to the edition's slot. */
export function relativeAge(published: Date, reference: Date): string {
  const minutes = Math.floor((reference.getTime() - published.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

const level2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const level4 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });

/** Prices under 10 (FX rates) keep four decimals; `scale` is the price a change belongs to. */
export function formatLevel(value: number, scale = value): string {
  return Math.abs(scale) < 10 ? level4.format(value) : level2.format(value);
}

export type Direction = 'up' | 'down' | 'flat';

export function direction(change: number | null): Direction {
  if (change === null || change === 0) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** Always signed, so the direction reads without colour: "+12.30", "-4.10", "0.00". */
export function signed(value: number, format: (n: number) => string = formatLevel): string {
  if (value === 0) return format(0);
  return `${value > 0 ? '+' : '-'}${format(Math.abs(value))}`;
}

export function signedPercent(value: number): string {
  return `${signed(value, (n) => level2.format(n))}%`;
}

/** Cut at a word boundary and mark the cut; never returns more than `max` characters. */
export function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Remove what must never reach a header or a text line: control characters and line breaks. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Word-wrap for the plain-text part; words longer than the width get their own line. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of oneLine(text).split(' ')) {
    if (!word) continue;
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export interface SubjectValues {
  date: string;
  topHeadline: string | null;
  brand: string;
}

/**
 * SUBJECT_PATTERN with `{date}`, `{top headline}` and `{brand}`; unknown `{…}` stay as written.
 * The headline is shortened so the whole subject stays under `max` characters.
 */
export function subjectFrom(pattern: string, values: SubjectValues, max = 150): string {
  const fixed = oneLine(pattern.replace(/\{date\}/g, values.date).replace(/\{brand\}/g, values.brand));
  const headline = oneLine(values.topHeadline ?? 'no new stories');
  const room = Math.max(20, max - fixed.replace(/\{top headline\}/g, '').length);
  return fixed.replace(/\{top headline\}/g, () => truncate(headline, room));
}

/**
 * Non-ASCII characters as numeric references. The HTML is then pure ASCII: a one-byte
 * string in V8 that can be encoded per message with Buffer.from(html, 'latin1') (same
 * bytes as UTF-8, without a transcode), and the MIME part needs no 8-bit
 * transfer encoding. Our CSS is ASCII and feed text never reaches <style>.
 */
export function asciiHtml(html: string): string {
  return html.replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);
}

/** `A`, `A and B`, `A, B and C`. */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
