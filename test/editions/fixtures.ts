// Fixture stories and prices for edition tests and the benchmark.
import type { Cluster, MarketSnapshot, Quote } from '../../src/stories/model.js';
import type { Audience, StorySource } from '../../src/editions/build.js';
import type { RenderSettings } from '../../src/editions/render.js';
import { DEFAULT_TOPICS } from '../../src/topics.js';

export const SLOT = new Date('2026-11-24T07:00:00.000Z');

export const SETTINGS: RenderSettings = {
  publicUrl: 'https://news.example.com',
  postalAddress: 'Daily Stock Markets News, 1 Example Street, Example City',
  subjectPattern: 'Markets & World — {date}: {top headline}',
  brand: { name: 'Market Digest', url: 'https://news.example.com', color: '#0b3d91' },
  timezone: 'Europe/London',
  topics: DEFAULT_TOPICS,
  windowHours: 24,
  perSection: 8,
  maxHtmlBytes: 100_000,
};

const LOREM =
  'Officials said on Monday that the decision followed weeks of talks, and analysts expect the move to weigh on ' +
  'prices through the end of the quarter while investors wait for more data on inflation and hiring.';

export function cluster(n: number, section: 'markets' | 'world', overrides: Partial<Cluster['lead']> = {}, score = 100 - n): Cluster {
  const publishedAt = new Date(SLOT.getTime() - (n + 1) * 37 * 60_000).toISOString();
  return {
    id: `c-${section}-${n}`,
    section,
    lead: {
      id: `s-${section}-${n}`,
      sourceId: 'wire',
      sourceName: n % 2 ? 'Example Wire' : 'Daily Ledger',
      title: `${section === 'markets' ? 'Stocks' : 'Summit'} story number ${n} moves the needle`,
      url: `https://example.com/${section}/${n}?a=1&b=2`,
      summary: `${LOREM} (${n})`,
      imageUrl: n % 3 === 0 ? `https://img.example.com/${section}/${n}.jpg` : undefined,
      publishedAt,
      fetchedAt: publishedAt,
      section,
      ...overrides,
    },
    alsoCoveredBy:
      n % 2 === 0
        ? [
            { sourceId: 'b', sourceName: 'Broadsheet', url: `https://broadsheet.example/${n}` },
            { sourceId: 'c', sourceName: 'Courier', url: `https://courier.example/${n}` },
          ]
        : [],
    score,
    firstSeenAt: publishedAt,
    publishedAt,
  };
}

export function clusters(perSection = 10): Cluster[] {
  const out: Cluster[] = [];
  for (let i = 0; i < perSection; i += 1) out.push(cluster(i, 'markets'), cluster(i, 'world'));
  return out.sort((a, b) => b.score - a.score);
}

function quote(symbol: string, label: string, price: number | null, change: number | null, state: Quote['state']): Quote {
  return {
    symbol,
    label,
    price,
    previousClose: price === null || change === null ? null : price - change,
    change,
    changePercent: price === null || change === null ? null : (change / (price - change)) * 100,
    asOf: state === 'missing' ? null : state === 'stale' ? '2026-11-21T16:30:00.000Z' : '2026-11-23T21:00:00.000Z',
    state,
    provider: 'yahoo',
    history: price === null ? [] : sessions(price, change ?? 0),
    weekAgoClose: price === null ? null : Math.round(price * 0.97 * 100) / 100,
  };
}

/** Five closes ending at `price`, with a dip in the middle so the line has a shape. */
export function sessions(price: number, change: number): { date: string; close: number }[] {
  const shape = [-0.02, 0.01, -0.015, 0, 0];
  return shape.map((f, i) => ({
    date: `2026-11-${String(17 + i).padStart(2, '0')}`,
    close: i === 4 ? price : i === 3 ? price - change : Math.round(price * (1 + f) * 10_000) / 10_000,
  }));
}

export const MARKET: MarketSnapshot = {
  fetchedAt: '2026-11-24T06:55:00.000Z',
  quotes: [
    quote('^GSPC', 'S&P 500', 5012.34, 12.3, 'fresh'),
    quote('^IXIC', 'Nasdaq', 17650.1, -95.42, 'fresh'),
    quote('^FTSE', 'FTSE 100', 8120.5, 0, 'stale'),
    quote('EURUSD=X', 'EUR/USD', 1.0842, -0.0031, 'fresh'),
    quote('^N225', 'Nikkei 225', null, null, 'missing'),
  ],
};

/** A StorySource over fixed data that records the windows it was asked for. */
export function fixtureSource(data: Cluster[] = clusters(), market: MarketSnapshot | null = MARKET) {
  const queries: { since: Date; until: Date; sections?: string[] }[] = [];
  const source: StorySource = {
    async listClusters(query) {
      queries.push(query);
      return data.filter(
        (c) =>
          (!query.sections || query.sections.includes(c.section)) &&
          Date.parse(c.publishedAt) >= query.since.getTime() &&
          Date.parse(c.publishedAt) < query.until.getTime(),
      );
    },
    async getMarketSnapshot() {
      return market;
    },
  };
  return { source, queries };
}

export const READER = {
  name: 'Ana',
  unsubscribeUrl: 'https://news.example.com/unsubscribe/tok-UNSUB',
  preferencesUrl: 'https://news.example.com/preferences/tok-PREFS',
};

/** Readers with each of the three combinations of the two default topics. */
export const EVERY_COMBINATION: Audience = { topicSets: async () => [['markets'], ['world'], ['markets', 'world']] };
