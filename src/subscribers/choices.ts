// What a reader chose, in words and checked against what the site offers. Pure: the
// signup page, the preference centre, the CSV import and the welcome mail use these.
import { WEEKDAYS, type Subscriber, type Weekday } from './model.js';

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  sun: 'Sunday', mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday',
};

/** Weekdays in the order people read a week (Monday first). */
export const WEEK_ORDER: readonly Weekday[] = [...WEEKDAYS.slice(1), WEEKDAYS[0]];

/** An instrument a reader may watch: the configured market symbols. */
export interface WatchOption {
  symbol: string;
  label: string;
}

/** Symbols in `watchlist` the site does not offer (a tampered form, an old CSV). */
export function unknownSymbols(watchlist: readonly string[], offered: readonly WatchOption[]): string[] {
  const known = new Set(offered.map((o) => o.symbol));
  return watchlist.filter((s) => !known.has(s));
}

const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** "Every Friday at 07:00 (Europe/London)" — when the reader's digest comes. */
export function describeSchedule(sub: Pick<Subscriber, 'cadence' | 'weeklyDay' | 'sendHour' | 'timezone' | 'weekdaysOnly'>): string {
  if (sub.cadence === 'weekly') return `Every ${WEEKDAY_NAMES[sub.weeklyDay]} at ${hour(sub.sendHour)} (${sub.timezone}), the best of the week`;
  return `Every ${sub.weekdaysOnly ? 'weekday' : 'day'} at ${hour(sub.sendHour)} (${sub.timezone})`;
}

/** One paragraph of the reader's choices (the welcome mail). */
export function describeChoices(sub: Pick<Subscriber, 'cadence' | 'weeklyDay' | 'sendHour' | 'timezone' | 'weekdaysOnly' | 'watchlist'>, offered: readonly WatchOption[] = []): string {
  const labels = new Map(offered.map((o) => [o.symbol, o.label]));
  const watch = sub.watchlist.length
    ? ` Your watchlist: ${sub.watchlist.map((s) => labels.get(s) ?? s).join(', ')}; their prices come first and stories naming them are marked.`
    : '';
  return `${describeSchedule(sub)}.${watch}`;
}
