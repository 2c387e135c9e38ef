// Words of a headline or summary as clustering sees them: stop-worded, lightly
// stemmed tokens with their capitalisation (for telling names from ordinary
// words) and the identity tokens a template cannot share (versions, years,
// months). SimHash is useless across outlets (true pairs sit 20-29 bits apart).

const STOP = new Set(
  ('a an and are as at be been but by for from has have he her his how in into is it its of on or our over said says ' +
    'she so than that the their them there they this to up was we were what when where which who will with would you ' +
    'after amid about against new more most not no can could may might just also out off all any as per via vs news live ' +
    'update updates latest report reports today week year day first us here your why these those i my me get got now ' +
    'inc corp co ltd plc llc'
  ).split(' '),
);

/** Spellings that name one thing; transliterations defeat plain token overlap. */
const ALIASES: Record<string, string> = {
  zelenskiy: 'zelensky', zelenskyy: 'zelensky', zelenskyi: 'zelensky', kiev: 'kyiv',
  'u.s': 'us', usa: 'us', uk: 'britain', 'u.k': 'britain', british: 'britain', eu: 'europe', european: 'europe',
  federal: 'fed', ecb: 'ecb', 'opec+': 'opec', btc: 'bitcoin', nato: 'nato',
  chinese: 'china', russian: 'russia', ukrainian: 'ukraine', israeli: 'israel', iranian: 'iran', japanese: 'japan',
  german: 'germany', french: 'france', indian: 'india', korean: 'korea', american: 'us', cpi: 'inflation', borrowing: 'rate',
  'g.m': 'gm', 'a.i': 'ai', gop: 'republican', pm: 'prime', staff: 'job', workforce: 'job', employees: 'job', roles: 'job', positions: 'job',
};

/** Headline verbs that say the same thing; applied before stemming, inflections listed. */
const SYNONYMS: Record<string, string> = Object.fromEntries(
  (
    [
      ['fall', 'falls fell falling drop drops dropped slide slides slid slip slips slipped decline declines declined sink sinks sank tumble tumbles tumbled slump slumps slumped plunge plunges plunged'],
      ['rise', 'rises rose rising climb climbs climbed jump jumps jumped surge surges surged soar soars soared gain gains gained rally rallies rallied top tops topped'],
      ['buy', 'buys bought acquire acquires acquired acquisition purchase purchases purchased'],
      ['hold', 'holds held unchanged steady leaves pause pauses paused'],
      ['hike', 'hikes hiked raise raises raised lift lifts lifted'],
      ['kill', 'kills killed killing dead'],
      ['cut', 'cuts cutting eliminate eliminates layoffs layoff lay'],
      ['launch', 'launches launched release releases released unveil unveils unveiled rolls'],
    ] as const
  ).flatMap(([canon, words]) => [canon, ...words.split(' ')].map((w) => [w, canon])),
);

const MONTHS = 'january february march april may june july august september october november december'.split(' ');
const ORDINALS: Record<string, string> = {
  first: '1', second: '2', third: '3', fourth: '4', fifth: '5', sixth: '6', seventh: '7', eighth: '8', ninth: '9', tenth: '10',
  '1st': '1', '2nd': '2', '3rd': '3', '4th': '4', '5th': '5', '6th': '6', '7th': '7', '8th': '8', '9th': '9', '10th': '10',
};
const ORDINAL = Object.keys(ORDINALS).join('|');
/** "day 10", "episode 4": the number is the identity of the item in a series. */
const SERIAL_WORDS = 'day|week|game|round|stage|episode|part|chapter|issue|season';
const SERIAL = new RegExp(`\\b(${SERIAL_WORDS})\\s+(\\d{1,3})\\b`, 'gi');
const SERIAL_TOKEN = new RegExp(`^(beta|${SERIAL_WORDS})\\d+$`);
const QUARTER = new RegExp(`\\b(${ORDINAL})[\\s-]+quarter\\b`, 'gi');
const BETA = new RegExp(`\\b(${ORDINAL})\\s+((?:developer|public)\\s+)?betas?\\b`, 'gi');

/** A light suffix stripper (enough to match rise/rises/rising, rate/rates, cut/cuts). */
export function stem(word: string): string {
  if (/\d/.test(word)) return word;
  let w = word;
  if (w.length > 5 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/**
 * One spelling for amounts, quarters and beta numbers, so "$48 billion" meets
 * "48bn", "fourth-quarter" meets "Q4" and "third beta" meets "beta 3". Case is kept.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(\d+(?:\.\d+)?)\s*(billion|bn|b)\b/gi, '$1bn')
    .replace(/(\d+(?:\.\d+)?)\s*(trillion|tn)\b/gi, '$1tn')
    .replace(/(\d+(?:\.\d+)?)\s*(million|mn|m)\b/gi, '$1mn')
    .replace(/(\d+(?:\.\d+)?)\s*(per ?cent|pct)\b/gi, '$1%')
    .replace(QUARTER, (_m, o: string) => `Q${ORDINALS[o.toLowerCase()]}`)
    .replace(/\b([1-4])Q\b/g, 'Q$1')
    .replace(BETA, (_m, o: string, kind: string | undefined) => `${kind ?? ''}beta${ORDINALS[o.toLowerCase()]}`)
    .replace(/\bbeta\s+(\d+)\b/gi, 'beta$1')
    .replace(SERIAL, '$1$2');
}

export interface Word {
  /** As written (after normaliseText). */
  raw: string;
  /** Stemmed, aliased, lower-case; null for a stop word. */
  token: string | null;
  /** First word of the text or of a sentence (capitals there say nothing). */
  initial: boolean;
}

export function normaliseWord(raw: string): string | null {
  const lower = raw.toLowerCase().replace(/[’']s$/, '').replace(/[’']/g, '').replace(/^\.+|\.+$/g, '');
  if (!lower) return null;
  const w = SYNONYMS[lower] ?? ALIASES[lower] ?? lower;
  if (STOP.has(w) || (w.length < 2 && w !== '%' && !/\d/.test(w))) return null;
  return stem(w);
}

/** The words of a text with their tokens and whether they open a sentence. */
export function scan(text: string): Word[] {
  const out: Word[] = [];
  const re = /[\p{L}\p{N}][\p{L}\p{N}%+.’']*/gu;
  let last = 0;
  const normal = normaliseText(text);
  let m: RegExpExecArray | null;
  while ((m = re.exec(normal))) {
    const between = m.input.slice(last, m.index);
    last = m.index + m[0].length;
    const raw = m[0].replace(/\.+$/, '');
    const initial = out.length === 0 || /[.!?:;—–|]\s*["“‘']?\s*$|\s[-]\s+$/.test(between) || /\.$/.test(out[out.length - 1]!.raw + between.trim());
    out.push({ raw, token: normaliseWord(raw), initial });
  }
  return out;
}

export function tokens(text: string): string[] {
  return scan(text).flatMap((w) => (w.token ? [w.token] : []));
}

export type KeyKind = 'version' | 'year' | 'month';

/**
 * Tokens that identify one release or period: a template shares everything but
 * these ("iOS 26.3" vs "26.2.1", "December 2025" vs "January 2026").
 */
export function keyKind(token: string): KeyKind | null {
  if (/^(19|20)\d\d$/.test(token)) return 'year';
  if (/^\d+(\.\d+)+$/.test(token) || SERIAL_TOKEN.test(token) || (/^[a-z]{1,3}\d{1,4}[a-z]?$/.test(token) && !/^[qh]\d$/.test(token))) return 'version';
  if (MONTHS.includes(token) || MONTHS.includes(`${token}e`)) return 'month';
  return null;
}

/** Words that are capitalised without naming anything. */
export function neverName(token: string): boolean {
  return /\d/.test(token) || keyKind(token) === 'month' || /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|breaking|exclusive|analysis|opinion|watch|live)$/.test(token);
}

/** A title in Title Case: every word of four letters or more starts with a capital. */
export function isTitleCase(words: readonly Word[]): boolean {
  const long = words.filter((w) => /^\p{L}{4,}/u.test(w.raw));
  return long.length >= 2 && long.every((w) => /^\p{Lu}/u.test(w.raw));
}
