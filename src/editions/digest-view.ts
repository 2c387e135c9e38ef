// The digest as data: everything both the MJML and the text renderer show, computed
// once from the edition. Pure; feed text is cleaned and cut here, escaped later.
import type { Cluster, MarketSnapshot, Quote } from '../stories/model.js';
import type { Section } from '../stories/sources-schema.js';
import type { Brand } from '../brand.js';
import type { Topic } from '../topics.js';
import { safeUrl } from '../html.js';
import {
  direction,
  listOf,
  formatLevel,
  longDate,
  oneLine,
  relativeAge,
  shortDate,
  signed,
  signedPercent,
  subjectFrom,
  timeLabel,
  truncate,
  type Direction,
} from './format.js';
import { sectionClusters } from './pick.js';
import { readerPlaceholder } from './model.js';
import { chartable, chartAlt, chartUrl } from './charts.js';
import { symbolsNamed, type WatchNames } from './watchlist.js';
import type { WatchLayout } from './model.js';

export interface DigestSettings {
  publicUrl: string;
  postalAddress: string;
  /** SUBJECT_PATTERN, e.g. `{brand} — {date}: {top headline}`. */
  subjectPattern: string;
  brand: Brand;
  /** IANA zone for the dates and times shown. */
  timezone: string;
  /** The configured topics, in the order their sections appear. */
  topics: readonly Topic[];
  /** How stories name each market symbol (sources file), for watchlist marks. */
  watchNames?: readonly WatchNames[];
}

export interface StoryView {
  id: string;
  title: string;
  url: string;
  sourceName: string;
  alsoCoveredBy: { name: string; url: string }[];
  moreSources: number;
  age: string;
  summary: string;
  imageUrl: string | null;
  /** Market symbols the story names: it is marked for readers watching one. */
  symbols: string[];
}

export interface QuoteView {
  symbol: string;
  label: string;
  level: string;
  change: string;
  changePercent: string;
  direction: Direction;
  asOf: string;
  state: Quote['state'];
  /** The 5-session sparkline, when the edition has one for this symbol. */
  chart: { url: string; alt: string } | null;
}

export interface MarketView {
  /** "MARKETS AT A GLANCE", or "THIS WEEK IN MARKETS" with the week's change. */
  title: string;
  changeHeading: string;
  rows: QuoteView[];
  asOf: string;
  /** Visible warning when prices are stale, missing or unavailable. */
  note: string | null;
}

export interface SectionView {
  section: Section;
  title: string;
  stories: StoryView[];
}

export interface DigestView {
  brand: Brand;
  date: string;
  title: string;
  subject: string;
  preheader: string;
  intro: string;
  market: MarketView | null;
  sections: SectionView[];
  why: string;
  postalAddress: string;
  storyIds: string[];
  /** Which row and story is which, for arranging per watchlist (watchlist.ts). */
  watch: WatchLayout;
}

export const LIMITS = { title: 200, summary: 320, alsoCovered: 3, label: 40, preheader: 140 } as const;

/**
 * Feed text, one line, with `%%` broken by an invisible word joiner: per-reader
 * placeholders are `%%<token>:field%%`, and a feed must never be able to write one.
 */
function feed(text: string, max: number): string {
  return truncate(oneLine(text).replace(/%%/g, '%\u2060%'), max);
}


function storyView(cluster: Cluster, slot: Date, watchNames: readonly WatchNames[]): StoryView {
  const lead = cluster.lead;
  const others = cluster.alsoCoveredBy.filter((s) => safeUrl(s.url) !== '#');
  const image = lead.imageUrl ? safeUrl(lead.imageUrl) : '#';
  return {
    id: cluster.id,
    title: feed(lead.title, LIMITS.title) || '(untitled)',
    url: safeUrl(lead.url),
    sourceName: feed(lead.sourceName, 60),
    alsoCoveredBy: others
      .slice(0, LIMITS.alsoCovered)
      .map((s) => ({ name: feed(s.sourceName, 60), url: safeUrl(s.url) })),
    moreSources: Math.max(0, others.length - LIMITS.alsoCovered),
    age: relativeAge(new Date(cluster.publishedAt), slot),
    summary: feed(lead.summary, LIMITS.summary),
    imageUrl: image === '#' ? null : image,
    symbols: symbolsNamed(`${lead.title}\n${lead.summary}`, watchNames),
  };
}

/** Where the edition's charts are, and which symbols have one (charts.ts). */
export interface ChartLinks {
  editionId: string;
  publicUrl: string;
  symbols: readonly string[];
}

/** The quote with its change against the close a week ago (weekly editions). */
function overTheWeek(quote: Quote): Quote {
  const base = quote.weekAgoClose;
  if (quote.price === null || base === null || base === 0) return { ...quote, change: null, changePercent: null };
  const change = quote.price - base;
  return { ...quote, previousClose: base, change: Math.round(change * 1e6) / 1e6, changePercent: Math.round((change / base) * 100 * 1e4) / 1e4 };
}

function quoteView(quote: Quote, timezone: string, slot: Date, charts: ChartLinks | undefined): QuoteView {
  const missing = quote.state === 'missing' || quote.price === null;
  const asOf = quote.asOf ? timeLabel(new Date(quote.asOf), timezone, slot) : 'no time';
  return {
    symbol: quote.symbol,
    label: feed(quote.label, LIMITS.label),
    level: missing ? '—' : formatLevel(quote.price!),
    // Change keeps the level's precision (FX: four decimals) whatever its own size.
    change: quote.change === null || missing ? 'n/a' : signed(quote.change, (n) => formatLevel(n, quote.price!)),
    changePercent: quote.changePercent === null || missing ? 'n/a' : signedPercent(quote.changePercent),
    direction: missing ? 'flat' : direction(quote.change ?? quote.changePercent),
    asOf: missing ? 'no data' : quote.state === 'stale' ? `${asOf} · delayed` : asOf,
    state: missing ? 'missing' : quote.state,
    chart:
      charts && charts.symbols.includes(quote.symbol) && chartable(quote)
        ? { url: chartUrl(charts.publicUrl, charts.editionId, quote.symbol), alt: feed(chartAlt(quote), 200) }
        : null,
  };
}

function marketView(snapshot: MarketSnapshot | null, timezone: string, slot: Date, charts: ChartLinks | undefined, weekly: boolean): MarketView {
  const headings = weekly ? { title: 'THIS WEEK IN MARKETS', changeHeading: 'Week' } : { title: 'MARKETS AT A GLANCE', changeHeading: 'Change' };
  if (!snapshot || snapshot.quotes.length === 0) {
    return { ...headings, rows: [], asOf: '', note: 'Market data is not available for this edition.' };
  }
  const rows = snapshot.quotes.map((q) => quoteView(weekly ? overTheWeek(q) : q, timezone, slot, charts));
  const stale = rows.filter((r) => r.state === 'stale').map((r) => `${r.label} (${r.asOf.replace(' · delayed', '')})`);
  const missing = rows.filter((r) => r.state === 'missing').map((r) => r.label);
  const notes: string[] = [];
  if (stale.length) notes.push(`Stale prices, not updated recently: ${stale.join(', ')}.`);
  if (missing.length) notes.push(`No price available: ${missing.join(', ')}.`);
  return {
    ...headings,
    rows,
    asOf: `Snapshot taken ${timeLabel(new Date(snapshot.fetchedAt), timezone, slot)}; each row shows when its price was set.`,
    note: notes.length ? notes.join(' ') : null,
  };
}

export interface DigestInput {
  slot: Date;
  clusters: readonly Cluster[];
  market: MarketSnapshot | null;
  /** The reader's topic ids. */
  topics: readonly string[];
  /** Stories per section shown (the size guard may lower it). */
  perSection: number;
  windowHours: number;
  /**
   * The edition's placeholder token. With it, the header date and the subject's {date}
   * are left as per-reader fields: readers of one slot can be on different local dates.
   */
  token?: string;
  /** The edition's rendered charts; without them the table has no sparklines. */
  charts?: ChartLinks;
  /** The weekly edition: "This week" header, the week's market change. */
  weekly?: boolean;
}

export function digestView(input: DigestInput, settings: DigestSettings): DigestView {
  const { slot } = input;
  const topics = settings.topics.filter((t) => input.topics.includes(t.id));
  const sections: SectionView[] = topics
    .map((t) => ({
      section: t.id,
      title: t.label.toUpperCase(),
      stories: sectionClusters(input.clusters, t.id, input.perSection).map((c) => storyView(c, slot, settings.watchNames ?? [])),
    }))
    .filter((s) => s.stories.length > 0);
  const stories = sections.flatMap((s) => s.stories);
  // The lead story of the whole mail: the best-scored one across the sections shown.
  const top = [...input.clusters]
    .filter((c) => stories.some((s) => s.id === c.id))
    .sort((a, b) => b.score - a.score)[0];
  const topHeadline = top ? (stories.find((s) => s.id === top.id)?.title ?? null) : null;
  const weekly = input.weekly === true;
  const thisWeek = (d: string) => (weekly ? `This week · ${d}` : d);
  const date = thisWeek(input.token ? readerPlaceholder(input.token, 'date') : longDate(slot, settings.timezone));
  const subject = subjectFrom(settings.subjectPattern, {
    date: thisWeek(input.token ? readerPlaceholder(input.token, 'date_short') : shortDate(slot, settings.timezone)),
    topHeadline,
    brand: settings.brand.name,
  });
  const count = stories.length;
  const market = topics.some((t) => t.marketTable) ? marketView(input.market, settings.timezone, slot, input.charts, weekly) : null;
  return {
    brand: settings.brand,
    date,
    title: subject,
    subject,
    preheader: truncate(stories.map((s) => s.title).join(' · ') || 'No new stories today.', LIMITS.preheader),
    intro:
      count === 0
        ? 'There are no new stories in this edition.'
        : weekly
          ? `Here ${count === 1 ? 'is the top story' : `are the top ${count} stories`} of the past seven days, the most widely covered first.`
          : `Here ${count === 1 ? 'is the top story' : `are the top ${count} stories`} of the last ${input.windowHours} hours.`,
    market,
    sections,
    why: `You get this because you subscribed to ${settings.brand.name} (${listOf(topics.map((t) => t.label))}).`,
    postalAddress: oneLine(settings.postalAddress),
    storyIds: stories.map((s) => s.id),
    watch: { rows: market?.rows.map((r) => r.symbol) ?? [], stories: stories.map((s) => s.symbols) },
  };
}
