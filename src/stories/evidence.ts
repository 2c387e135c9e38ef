// What two stories have in common, weighed against the pool they sit in: terms
// by rarity (BM25 idf), nothing for words most items of one feed share (feed
// boilerplate), names told apart from Title Case by how the pool writes them, and
// identity tokens (versions, years, months) whose mismatch is evidence against.
import type { Story } from './model.js';
import { isTitleCase, keyKind, neverName, scan, type KeyKind, type Word } from './similarity.js';
import { urlKey } from './url.js';

type Vector = Map<string, number>;

export interface StoryEvidence {
  story: Story;
  urlKey: string;
  /** The title's tokens in order, without the feed's " - Publisher" suffix; "" when too short to trust. */
  titleKey: string;
  time: number;
  /** Unit vectors: the title alone, and title + summary (summary words weigh less). */
  title: Vector;
  full: Vector;
  /** No summary left once feed boilerplate is discounted. */
  titleOnly: boolean;
  /** A live blog or rolling page: many events in one entry, so it is its own entry. */
  rolling: boolean;
  /** Names in the title, every token of the story (boilerplate included) and of the title. */
  titleNames: Set<string>;
  allTokens: Set<string>;
  titleTokens: Set<string>;
  /** Identity tokens of the title by kind. */
  keys: Map<KeyKind, Set<string>>;
}

/** Summary words count this much of a title word: a headline says what the story is. */
const SUMMARY_WEIGHT = 0.6;
/** A feed's term that appears in at least this share of its items (and 3 or more) is its boilerplate. */
const BOILERPLATE_SHARE = 0.5;
const BOILERPLATE_MIN_ITEMS = 5;
/** Titles this alike apart from their names are one template ("X Reports Fourth Quarter Results"). */
const TEMPLATE_OVERLAP = 0.5;

interface Parsed {
  titleWords: Word[];
  summaryWords: Word[];
}

function unit(v: Vector): Vector {
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
}

function increment(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

/** Statistics of the stories in play (the pool's recent ones plus the new ones), and evidence per story. */
export class StoryCorpus {
  private readonly df = new Map<string, number>();
  private readonly sourceDf = new Map<string, Map<string, number>>();
  private readonly sourceItems = new Map<string, number>();
  private readonly suffixes = new Map<string, number>();
  private readonly capitalised = new Map<string, number>();
  private readonly capitalisedInitial = new Map<string, number>();
  private readonly lower = new Map<string, number>();
  private readonly shaped = new Set<string>();
  private readonly parsed = new Map<string, Parsed>();
  private readonly cache = new Map<string, StoryEvidence>();
  private docs = 0;

  constructor(stories: Iterable<Story>) {
    const all = [...stories];
    for (const s of all) {
      const suffix = suffixOf(s.title);
      if (suffix) increment(this.suffixes, `${s.sourceId}\n${suffix}`);
    }
    for (const s of all) this.add(s);
  }

  private add(s: Story): void {
    if (this.parsed.has(s.id)) return;
    const titleWords = scan(this.stripSuffix(s));
    const summaryWords = scan(s.summary);
    const titleCase = isTitleCase(titleWords);
    this.parsed.set(s.id, { titleWords, summaryWords });
    this.docs++;
    increment(this.sourceItems, s.sourceId);
    let perSource = this.sourceDf.get(s.sourceId);
    if (!perSource) this.sourceDf.set(s.sourceId, (perSource = new Map()));
    for (const t of new Set([...titleWords, ...summaryWords].flatMap((w) => (w.token ? [w.token] : [])))) {
      increment(this.df, t);
      increment(perSource, t);
    }
    // How the pool writes a word: lower case anywhere; capitalised, opening a sentence or not, outside Title Case lines.
    const learn = (words: Word[], caseCarriesMeaning: boolean) => {
      for (const w of words) {
        if (!w.token) continue;
        if (/^\p{L}+$/u.test(w.raw) && /\p{Ll}\p{Lu}|^\p{Lu}{2,}$/u.test(w.raw) && !isShouting(words)) this.shaped.add(w.token);
        if (!/^\p{Lu}/u.test(w.raw)) increment(this.lower, w.token);
        else if (caseCarriesMeaning) increment(w.initial ? this.capitalisedInitial : this.capitalised, w.token);
      }
    };
    learn(titleWords, !titleCase);
    learn(summaryWords, !isTitleCase(summaryWords));
  }

  /** The feed's repeated " - Publisher" ending, not a title's own ending ("– January 2026"). */
  private stripSuffix(s: Story): string {
    const suffix = suffixOf(s.title);
    if (!suffix) return s.title;
    const repeated = (this.suffixes.get(`${s.sourceId}\n${suffix}`) ?? 0) >= 2 || suffix === s.sourceName.toLowerCase();
    return repeated ? s.title.replace(SUFFIX, '') : s.title;
  }

  /** BM25's idf: rare terms weigh most, a term in half the pool next to nothing. */
  idf(token: string): number {
    const df = this.df.get(token) ?? 0;
    return Math.log(1 + (this.docs - df + 0.5) / (df + 0.5));
  }

  isName(token: string): boolean {
    if (neverName(token)) return false;
    if (this.shaped.has(token)) return true;
    const cap = this.capitalised.get(token) ?? 0;
    const lower = this.lower.get(token) ?? 0;
    // Never written in lower case, even if only seen opening a sentence ("Meta forecasts…"): a name.
    if (lower === 0 && token.length >= 3 && (this.capitalisedInitial.get(token) ?? 0) > 0) return true;
    return cap > 0 && cap >= 2 * lower;
  }

  private boilerplate(sourceId: string, token: string): boolean {
    const items = this.sourceItems.get(sourceId) ?? 0;
    if (items < BOILERPLATE_MIN_ITEMS) return false;
    const n = this.sourceDf.get(sourceId)?.get(token) ?? 0;
    return n >= 3 && n >= BOILERPLATE_SHARE * items;
  }

  evidence(s: Story): StoryEvidence {
    const cached = this.cache.get(s.id);
    if (cached) return cached;
    this.add(s);
    const { titleWords, summaryWords } = this.parsed.get(s.id)!;
    const title: Vector = new Map();
    const full: Vector = new Map();
    const titleNames = new Set<string>();
    const keys = new Map<KeyKind, Set<string>>();
    const allTokens = new Set<string>();
    for (const w of titleWords) {
      if (!w.token) continue;
      allTokens.add(w.token);
      // A capital is a name when the pool writes the word that way, whatever this line's casing.
      if (/\p{Lu}/u.test(w.raw) && this.isName(w.token)) titleNames.add(w.token);
      if (this.boilerplate(s.sourceId, w.token)) continue;
      const weight = this.idf(w.token);
      title.set(w.token, weight);
      full.set(w.token, weight);
      const kind = keyKind(w.token);
      if (kind) (keys.get(kind) ?? keys.set(kind, new Set()).get(kind)!).add(w.token);
    }
    let summaryTerms = 0;
    for (const w of summaryWords) {
      if (!w.token) continue;
      allTokens.add(w.token);
      if (this.boilerplate(s.sourceId, w.token)) continue;
      summaryTerms++;
      if (!full.has(w.token)) full.set(w.token, SUMMARY_WEIGHT * this.idf(w.token));
    }
    const out: StoryEvidence = {
      story: s,
      urlKey: urlKey(s.url),
      titleKey: titleWords.length >= 3 ? titleWords.map((w) => w.raw.toLowerCase()).join(' ') : '',
      time: Date.parse(s.publishedAt),
      title: unit(title),
      full: unit(full),
      titleOnly: summaryTerms === 0,
      rolling: ROLLING.test(s.title),
      titleNames,
      allTokens,
      titleTokens: new Set(titleWords.flatMap((w) => (w.token ? [w.token] : []))),
      keys,
    };
    this.cache.set(s.id, out);
    return out;
  }
}

/** "Russia-Ukraine war live: …", "Ukraine war latest: …", "FTSE 100 live: …", "… – as it happened", "Stock market today: …". */
const ROLLING = /\b(live|latest|today)\s*:|[:–—-]\s*(live|as it happened)\b|\blive (updates|blog|coverage)\b/i;

const SUFFIX = /\s+[-–—|]\s+([^-–—|]{1,40})$/u;

function suffixOf(title: string): string | null {
  return SUFFIX.exec(title)?.[1]?.trim().toLowerCase() ?? null;
}

/** A line in capitals throughout says nothing about which words are acronyms. */
function isShouting(words: readonly Word[]): boolean {
  const letters = words.filter((w) => /^\p{L}{3,}$/u.test(w.raw));
  return letters.length >= 3 && letters.filter((w) => /^\p{Lu}+$/u.test(w.raw)).length > letters.length / 2;
}

/**
 * Evidence against: the titles carry different versions, years or months; or they
 * name different things and share no name (eBay vs Google); or they are one template
 * with a different name in it (tvOS vs iOS: "Apple Seeds Third Beta of … 26.3").
 */
export function conflicts(a: StoryEvidence, b: StoryEvidence): boolean {
  for (const [kind, ka] of a.keys) {
    const kb = b.keys.get(kind);
    if (kb && ![...ka].some((k) => kb.has(k))) return true;
  }
  if (a.titleNames.size === 0 || b.titleNames.size === 0) return false;
  const unmatched = (x: StoryEvidence, y: StoryEvidence) => [...x.titleNames].filter((name) => !y.allTokens.has(name)).length;
  const [ua, ub] = [unmatched(a, b), unmatched(b, a)];
  if (ua === a.titleNames.size && ub === b.titleNames.size) return true;
  return ua > 0 && ub > 0 && templateOverlap(a, b) >= TEMPLATE_OVERLAP;
}

/** Jaccard overlap of the two titles' words other than their names. */
function templateOverlap(a: StoryEvidence, b: StoryEvidence): number {
  const rest = (e: StoryEvidence) => new Set([...e.titleTokens].filter((t) => !a.titleNames.has(t) && !b.titleNames.has(t)));
  const [ra, rb] = [rest(a), rest(b)];
  let inter = 0;
  for (const t of ra) if (rb.has(t)) inter++;
  return inter / (ra.size + rb.size - inter || 1);
}

/** How alike two stories read, 0..1: the better of title-to-title and whole-to-whole cosine. */
export function likeness(a: StoryEvidence, b: StoryEvidence): number {
  // One shared word is a topic, not an event (feed boilerplate counts here: it is still a word of the story).
  let shared = 0;
  const [small, large] = a.allTokens.size <= b.allTokens.size ? [a.allTokens, b.allTokens] : [b.allTokens, a.allTokens];
  for (const t of small) if (large.has(t) && ++shared >= 2) break;
  if (shared < 2) return 0;
  let s = Math.max(cosine(a.title, b.title), cosine(a.full, b.full));
  // A headline alone is compared with the other's whole text, not punished for being short.
  if (a.titleOnly) s = Math.max(s, cosine(a.title, b.full));
  if (b.titleOnly) s = Math.max(s, cosine(b.title, a.full));
  return s;
}
