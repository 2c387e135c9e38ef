// Feed dates → UTC instants. Parsers read zoneless dates as *local* time; we read them
// as UTC, accept the zone names feeds really use, and never let a date lie in the future.

const ZONES: Record<string, string> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000', WET: '+0000', BST: '+0100', CET: '+0100', CEST: '+0200',
  MET: '+0100', MEST: '+0200', EET: '+0200', EEST: '+0300', MSK: '+0300', IST: '+0530', SGT: '+0800', HKT: '+0800',
  CST: '-0600', CDT: '-0500', EST: '-0500', EDT: '-0400', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  JST: '+0900', KST: '+0900', AEST: '+1000', AEDT: '+1100', NZST: '+1200', NZDT: '+1300',
};

const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';

/** Parse one feed date; null when it cannot be read. */
export function parseFeedDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  let s = text.trim().replace(/\s+/g, ' ');
  if (!s) return null;
  // ISO 8601 without a zone → UTC.
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (iso) {
    const zone = iso[3] ? (iso[3].toUpperCase() === 'Z' ? 'Z' : iso[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
    return valid(new Date(`${iso[1]}T${iso[2] ?? '00:00:00'}${zone}`));
  }
  // RFC 822: drop the weekday (feeds write "Tues,", "Thur,"), map zone names, default to UTC.
  s = s.replace(/^[A-Za-z]+,?\s+(?=\d)/, '');
  const rfc = new RegExp(`^(\\d{1,2}) (${MONTHS})[a-z]* (\\d{2,4})(?: (\\d{1,2}:\\d{2}(?::\\d{2})?))? ?([A-Za-z]{1,5}|[+-]\\d{4}|[+-]\\d{2}:\\d{2})?$`, 'i').exec(s);
  if (rfc) {
    let year = Number(rfc[3]);
    if (year < 100) year += year < 70 ? 2000 : 1900;
    const zoneText = rfc[5]?.toUpperCase();
    const zone = !zoneText ? '+0000' : /^[+-]/.test(zoneText) ? zoneText.replace(':', '') : ZONES[zoneText];
    if (zone === undefined) return null;
    const month = MONTHS.split('|').indexOf(rfc[2]!.slice(0, 3).toLowerCase()) + 1;
    const [h = '00', m = '00', sec = '00'] = (rfc[4] ?? '00:00:00').split(':');
    const isoText = `${year}-${pad(month)}-${pad(Number(rfc[1]))}T${pad(Number(h))}:${pad(Number(m))}:${pad(Number(sec))}${zone.slice(0, 3)}:${zone.slice(3)}`;
    return valid(new Date(isoText));
  }
  // Anything else with an explicit zone that V8 understands; reject the rest rather than guess local time.
  if (/(Z|[+-]\d{2}:?\d{2}|GMT|UTC)$/i.test(s)) return valid(new Date(s));
  return null;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function valid(d: Date): Date | null {
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Published time for a story: missing → fetch time; future (beyond 5 min of clock skew) → fetch time. */
export function publishedAt(text: string | null | undefined, fetchedAt: Date): Date {
  const d = parseFeedDate(text);
  if (!d || d.getTime() > fetchedAt.getTime() + 5 * 60_000) return fetchedAt;
  return d;
}
