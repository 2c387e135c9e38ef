// Word-set similarity for "same story" decisions: stop-worded, lightly stemmed
// tokens and Jaccard overlap. SimHash is useless across outlets (true pairs sit
// 20-29 bits apart), so we do not use it.

const STOP = new Set(
  ('a an and are as at be been but by for from has have he her his how in into is it its of on or our over said says ' +
    'she so than that the their them there they this to up was we were what when where which who will with would you ' +
    'after amid about against new more most not no can could may might just also out off all any as per via vs news live ' +
    'update updates latest report reports today week year day first us'
  ).split(' '),
);

/** Spellings that name one thing; transliterations defeat plain token overlap. */
const ALIASES: Record<string, string> = {
  zelenskiy: 'zelensky', zelenskyy: 'zelensky', zelenskyi: 'zelensky', kyiv: 'kyiv', kiev: 'kyiv',
  'u.s': 'us', usa: 'us', uk: 'britain', 'u.k': 'britain', british: 'britain', eu: 'europe', european: 'europe',
  federal: 'fed', 'fed\'s': 'fed', ecb: 'ecb', opec: 'opec', 'opec+': 'opec', bitcoin: 'bitcoin', btc: 'bitcoin',
  chinese: 'china', russian: 'russia', ukrainian: 'ukraine', israeli: 'israel', iranian: 'iran', japanese: 'japan',
  german: 'germany', french: 'france', indian: 'india', american: 'us', percent: '%', pct: '%',
  bn: 'billion', mn: 'million', cpi: 'inflation', 'borrowing': 'rate',
};

/** Headline verbs that say the same thing; applied before stemming, inflections listed. */
const SYNONYMS: Record<string, string> = Object.fromEntries(
  (
    [
      ['fall', 'falls fell falling drop drops dropped slide slides slid slip slips slipped decline declines declined sink sinks sank tumble tumbles tumbled slump slumps slumped'],
      ['rise', 'rises rose rising climb climbs climbed jump jumps jumped surge surges surged soar soars soared gain gains gained rally rallies rallied top tops topped'],
      ['buy', 'buys bought acquire acquires acquired acquisition purchase purchases purchased'],
      ['hold', 'holds held unchanged steady leaves'],
      ['hike', 'hikes hiked raise raises raised lift lifts lifted'],
      ['kill', 'kills killed killing dead'],
    ] as const
  ).flatMap(([canon, words]) => [canon, ...words.split(' ')].map((w) => [w, canon])),
);

/** A light suffix stripper (enough to match rise/rises/rising, rate/rates, cut/cuts). */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

export function tokens(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .split(/[^\p{L}\p{N}%+.]+/u)
    .map((w) => w.replace(/^\.+|\.+$/g, ''));
  const out: string[] = [];
  for (const raw of words) {
    if (!raw) continue;
    const w = SYNONYMS[raw] ?? ALIASES[raw] ?? raw;
    if (STOP.has(w) || (w.length < 2 && w !== '%')) continue;
    out.push(stem(w));
  }
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const t of small) if (large.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Capitalised but naming nothing: calendar words and headline filler. */
const NOT_NAMES = new Set(
  ('monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december breaking exclusive analysis opinion watch live update').split(' '),
);

/** Capitalised words that are not sentence starts: names of people, places, companies. */
export function entities(title: string, summary: string): Set<string> {
  const out = new Set<string>();
  for (const text of [title, summary]) {
    const words = text.split(/\s+/);
    words.forEach((w, i) => {
      const clean = w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
      if (i === 0 || clean.length < 3 || !/^\p{Lu}/u.test(clean)) return;
      if (/[.!?:]$/.test(words[i - 1] ?? '')) return;
      const lower = clean.toLowerCase();
      if (!STOP.has(lower) && !NOT_NAMES.has(lower)) out.add(stem(ALIASES[lower] ?? lower));
    });
  }
  return out;
}

/** Title for "equal normalised title": case, punctuation and a trailing " - Source" ignored. */
export function normalisedTitle(title: string): string {
  return title
    .replace(/\s+[-–—|]\s+\p{Lu}[^-–—|]{1,30}$/u, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
