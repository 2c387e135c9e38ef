// FRED's keyless CSV (fredgraph.csv?id=SERIES): end-of-day with about a day's lag,
// a fallback for "yesterday's close". Holidays are "." or empty.
import { fetchUrl, looksLikeHtml, SourceFetchError, type FetchOptions } from '../fetch.js';
import { MARKET_USER_AGENT, SESSIONS, type QuoteProvider, type RawQuote } from './provider.js';

export function quoteFromFredCsv(csv: string): RawQuote {
  const rows = csv
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','))
    .filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[0] ?? '') && r[1] !== undefined && r[1] !== '.' && r[1].trim() !== '' && Number.isFinite(Number(r[1])));
  const last = rows[rows.length - 1];
  if (!last) throw new SourceFetchError('parse', 'no observations in FRED CSV');
  const prev = rows[rows.length - 2];
  const weekAgo = rows[rows.length - SESSIONS - 1];
  return {
    price: Number(last[1]),
    previousClose: prev ? Number(prev[1]) : null,
    asOf: new Date(`${last[0]}T00:00:00Z`),
    history: rows.slice(-SESSIONS).map((r) => ({ date: r[0]!, close: Number(r[1]) })),
    weekAgoClose: weekAgo ? Number(weekAgo[1]) : null,
  };
}

export function createFredProvider(baseUrl: string, fetchOpts: Partial<FetchOptions> = {}): QuoteProvider {
  return {
    name: 'fred',
    async quote(series) {
      const url = `${baseUrl.replace(/\/+$/, '')}/graph/fredgraph.csv?id=${encodeURIComponent(series)}`;
      const res = await fetchUrl(url, { userAgent: MARKET_USER_AGENT, accept: 'text/csv', totalTimeoutMs: 10_000, maxBytes: 2 * 1024 * 1024, ...fetchOpts });
      if (res.notModified) throw new SourceFetchError('http', 'unexpected 304');
      const text = res.body.toString('utf8');
      if (looksLikeHtml(text)) throw new SourceFetchError('html', 'HTML instead of CSV');
      return quoteFromFredCsv(text);
    },
  };
}
