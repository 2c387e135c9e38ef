// Market quotes: Yahoo chart JSON and FRED CSV parsed with plain inputs, then over HTTP
// with the failures real providers produce (429, 200 + HTML, unknown symbol).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceFetchError } from '../../src/stories/fetch.js';
import { createFredProvider, quoteFromFredCsv } from '../../src/stories/market/fred.js';
import { buildSnapshot, toQuote } from '../../src/stories/market/snapshot.js';
import { createYahooProvider, quoteFromChart } from '../../src/stories/market/yahoo.js';
import { file, fixture, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T21:00:00Z');
const json = (name: string) => JSON.parse(fixture(`market/${name}`).toString('utf8')) as unknown;
let server: FixtureServer;

beforeAll(async () => {
  server = await startServer({
    '/v8/finance/chart/%5EGSPC': file('market/yahoo-gspc.json', 'application/json'),
    '/v8/finance/chart/BTC-USD': file('market/yahoo-btc.json', 'application/json'),
    '/v8/finance/chart/%5EFTSE': (_req, res) => res.writeHead(429, { 'retry-after': '60', 'content-type': 'text/plain' }).end('Too Many Requests'),
    '/v8/finance/chart/%5EN225': file('market/yahoo-error.html', 'text/html'),
    '/v8/finance/chart/%5EDJI': (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end(fixture('market/yahoo-notfound.json')),
    '/graph/fredgraph.csv': file('market/fred-sp500.csv', 'text/csv'),
  });
});
afterAll(() => server.close());

describe('quote parsing', () => {
  it('takes the change against the previous session close, not chartPreviousClose', () => {
    const q = quoteFromChart(json('yahoo-gspc.json'));
    expect(q).toMatchObject({ price: 5801.5, previousClose: 5750, currency: 'USD', asOf: new Date('2026-03-10T20:00:00Z') });
    const quote = toQuote({ symbol: '^GSPC', label: 'S&P 500' }, q, 'yahoo', NOW);
    expect(quote).toMatchObject({ change: 51.5, changePercent: 0.8957, state: 'fresh', asOf: '2026-03-10T20:00:00.000Z' });
  });

  it('skips null closes and marks a quiet crypto quote stale', () => {
    const q = quoteFromChart(json('yahoo-btc.json'));
    expect(q.previousClose).toBe(97000);
    expect(toQuote({ symbol: 'BTC-USD', label: 'Bitcoin' }, q, 'yahoo', NOW).state).toBe('stale');
  });

  it('keeps the last five sessions, one close per exchange date, and the close before them', () => {
    const q = quoteFromChart(json('yahoo-gspc.json'));
    expect(q.history).toEqual([
      { date: '2026-03-04', close: 5700 },
      { date: '2026-03-05', close: 5720.5 },
      { date: '2026-03-06', close: 5690.25 },
      { date: '2026-03-09', close: 5750 },
      { date: '2026-03-10', close: 5801.5 },
    ]);
    expect(q.weekAgoClose).toBe(5650);
    const quote = toQuote({ symbol: '^GSPC', label: 'S&P 500' }, q, 'yahoo', NOW);
    expect(quote.history).toHaveLength(5);
    const fred = quoteFromFredCsv(fixture('market/fred-sp500.csv').toString());
    expect(fred.history.at(-1)).toEqual({ date: '2026-03-09', close: 5750 });
    expect(fred.history.length).toBeLessThanOrEqual(5);
  });

  it('refuses a chart error body', () => {
    expect(() => quoteFromChart(json('yahoo-notfound.json'))).toThrow(/delisted/);
  });

  it('reads FRED CSV, skipping holidays and the empty latest row', () => {
    expect(quoteFromFredCsv(fixture('market/fred-sp500.csv').toString())).toMatchObject({ price: 5750, previousClose: 5720.5, asOf: new Date('2026-03-09T00:00:00Z') });
  });
});

describe('providers over HTTP', () => {
  it('turns 429 and 200-with-HTML into source errors', async () => {
    const yahoo = createYahooProvider(server.url(''), { allowPrivate: true });
    const e429 = (await yahoo.quote('^FTSE').catch((e: unknown) => e)) as SourceFetchError;
    expect([e429.kind, e429.status]).toEqual(['http', 429]);
    expect(e429.message).toMatch(/retry-after 60/);
    expect(((await yahoo.quote('^N225').catch((e: unknown) => e)) as SourceFetchError).kind).toBe('html');
  });

  it('builds a snapshot: fresh, stale, fallback and missing, never old data shown as fresh', async () => {
    const symbols = [
      { symbol: '^GSPC', label: 'S&P 500' },
      { symbol: 'BTC-USD', label: 'Bitcoin' },
      { symbol: '^FTSE', label: 'FTSE 100' },
      { symbol: '^N225', label: 'Nikkei 225' },
      { symbol: '^DJI', label: 'Dow', fallback: 'SP500' },
    ];
    const previous = { fetchedAt: '2026-03-09T21:00:00.000Z', quotes: [{ symbol: '^FTSE', label: 'FTSE', price: 8700, previousClose: 8650, change: 50, changePercent: 0.578, asOf: '2026-03-09T16:30:00.000Z', state: 'fresh' as const, provider: 'yahoo', history: [], weekAgoClose: null }] };
    const { snapshot, errors } = await buildSnapshot(
      symbols,
      { primary: createYahooProvider(server.url(''), { allowPrivate: true }), fallback: createFredProvider(server.url(''), { allowPrivate: true }), previous },
      NOW,
    );
    const by = Object.fromEntries(snapshot.quotes.map((q) => [q.symbol, q]));
    expect(snapshot.quotes.map((q) => q.symbol)).toEqual(symbols.map((s) => s.symbol));
    expect(by['^GSPC']).toMatchObject({ state: 'fresh', price: 5801.5, change: 51.5, provider: 'yahoo' });
    expect(by['BTC-USD']).toMatchObject({ state: 'stale', change: 1000 });
    expect(by['^FTSE']).toMatchObject({ state: 'stale', price: 8700, asOf: '2026-03-09T16:30:00.000Z', label: 'FTSE 100' });
    expect(by['^N225']).toMatchObject({ state: 'missing', price: null, asOf: null });
    expect(by['^DJI']).toMatchObject({ state: 'fresh', provider: 'fred', price: 5750, change: 29.5 });
    expect(errors).toHaveLength(3);
  });
});
