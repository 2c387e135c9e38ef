// Yahoo chart JSON (/v8/finance/chart/SYMBOL?range=5d&interval=1d). Unofficial and
// keyless. The daily change is against the previous *session* close, taken from the
// daily bars; meta.chartPreviousClose is the close before the whole range, not that.
import { fetchUrl, looksLikeHtml, SourceFetchError, type FetchOptions } from '../fetch.js';
import { MARKET_USER_AGENT, SESSIONS, type QuoteProvider, type RawQuote } from './provider.js';

interface ChartMeta {
  currency?: string;
  regularMarketPrice?: number;
  regularMarketTime?: number;
  gmtoffset?: number;
  previousClose?: number;
  regularMarketPreviousClose?: number;
  chartPreviousClose?: number;
}

/** Pure: a chart response → quote. Exported for tests with plain inputs. */
export function quoteFromChart(json: unknown): RawQuote {
  const chart = (json as { chart?: { result?: unknown[] | null; error?: { description?: string } | null } })?.chart;
  const result = chart?.result?.[0] as
    | { meta?: ChartMeta; timestamp?: (number | null)[]; indicators?: { quote?: { close?: (number | null)[] }[] } }
    | undefined;
  if (!result?.meta) throw new SourceFetchError('parse', `no chart result${chart?.error?.description ? `: ${chart.error.description}` : ''}`);
  const meta = result.meta;
  const times = result.timestamp ?? [];
  const closes = result.indicators?.quote?.[0]?.close ?? [];
  const bars = times
    .map((t, i) => ({ t, c: closes[i] }))
    .filter((b): b is { t: number; c: number } => typeof b.t === 'number' && typeof b.c === 'number' && Number.isFinite(b.c));
  const last = bars[bars.length - 1];
  const price = meta.regularMarketPrice ?? last?.c;
  const time = meta.regularMarketTime ?? last?.t;
  if (typeof price !== 'number' || typeof time !== 'number') throw new SourceFetchError('parse', 'chart has no price');
  const offset = meta.gmtoffset ?? 0;
  const day = (t: number) => Math.floor((t + offset) / 86_400);
  const marketDay = day(time);
  const prevBar = [...bars].reverse().find((b) => day(b.t) < marketDay);
  const previousClose = prevBar?.c ?? meta.regularMarketPreviousClose ?? meta.previousClose ?? null;
  // One close per exchange date (an intraday bar of today can follow yesterday's daily one).
  const byDay = new Map<number, number>();
  for (const b of bars) byDay.set(day(b.t), b.c);
  const sessions = [...byDay].sort(([a], [b]) => a - b);
  const history = sessions.slice(-SESSIONS).map(([d, close]) => ({ date: new Date(d * 86_400_000).toISOString().slice(0, 10), close }));
  const before = sessions.length > SESSIONS ? sessions[sessions.length - SESSIONS - 1]![1] : meta.chartPreviousClose ?? null;
  return {
    price,
    previousClose,
    ...(meta.currency ? { currency: meta.currency } : {}),
    asOf: new Date(time * 1000),
    history,
    weekAgoClose: before,
  };
}

export function createYahooProvider(baseUrl: string, fetchOpts: Partial<FetchOptions> = {}): QuoteProvider {
  return {
    name: 'yahoo',
    async quote(symbol) {
      const url = `${baseUrl.replace(/\/+$/, '')}/v8/finance/chart/${encodeURIComponent(symbol)}?range=${SESSIONS}d&interval=1d`;
      const res = await fetchUrl(url, { userAgent: MARKET_USER_AGENT, accept: 'application/json', totalTimeoutMs: 10_000, maxBytes: 1024 * 1024, ...fetchOpts });
      if (res.notModified) throw new SourceFetchError('http', 'unexpected 304');
      const text = res.body.toString('utf8');
      if (looksLikeHtml(text)) throw new SourceFetchError('html', 'HTML instead of chart JSON');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new SourceFetchError('parse', 'chart answer is not JSON');
      }
      return quoteFromChart(json);
    },
  };
}
