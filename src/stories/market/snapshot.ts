// Build the market snapshot: primary provider, then the fallback for symbols that
// have one, then last known values marked stale. Nothing old is shown as fresh.
import type { MarketSnapshot, Quote } from '../model.js';
import { mapLimit } from '../limit.js';
import type { MarketSymbol, QuoteProvider, RawQuote } from './provider.js';

export interface SnapshotDeps {
  primary: QuoteProvider;
  fallback?: QuoteProvider;
  previous?: MarketSnapshot | null;
}

/** Crypto trades all week; everything else may sit still over a long weekend. */
export function staleAfterHours(symbol: string, provider: string): number {
  if (/-USD$|^BTC|^ETH/i.test(symbol)) return 6;
  return provider === 'fred' ? 120 : 96;
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

export function toQuote(sym: MarketSymbol, raw: RawQuote, provider: string, now: Date): Quote {
  const change = raw.previousClose !== null ? raw.price - raw.previousClose : null;
  const ageHours = (now.getTime() - raw.asOf.getTime()) / 3_600_000;
  return {
    symbol: sym.symbol,
    label: sym.label,
    price: raw.price,
    previousClose: raw.previousClose,
    change: change === null ? null : round(change, 6),
    changePercent: change === null || !raw.previousClose ? null : round((change / raw.previousClose) * 100, 4),
    ...(raw.currency ? { currency: raw.currency } : {}),
    asOf: raw.asOf.toISOString(),
    state: ageHours > staleAfterHours(sym.symbol, provider) ? 'stale' : 'fresh',
    provider,
    history: raw.history,
    weekAgoClose: raw.weekAgoClose,
  };
}

export interface SnapshotResult {
  snapshot: MarketSnapshot;
  errors: string[];
}

export async function buildSnapshot(symbols: MarketSymbol[], deps: SnapshotDeps, now: Date, concurrency = 4): Promise<SnapshotResult> {
  const errors: string[] = [];
  const quotes = await mapLimit(symbols, concurrency, async (sym): Promise<Quote> => {
    try {
      return toQuote(sym, await deps.primary.quote(sym.symbol), deps.primary.name, now);
    } catch (err) {
      errors.push(`${deps.primary.name} ${sym.symbol}: ${(err as Error).message}`);
    }
    if (deps.fallback && sym.fallback) {
      try {
        return toQuote(sym, await deps.fallback.quote(sym.fallback), deps.fallback.name, now);
      } catch (err) {
        errors.push(`${deps.fallback.name} ${sym.fallback}: ${(err as Error).message}`);
      }
    }
    const before = deps.previous?.quotes.find((q) => q.symbol === sym.symbol && q.price !== null);
    if (before) return { ...before, label: sym.label, state: 'stale' };
    return { symbol: sym.symbol, label: sym.label, price: null, previousClose: null, change: null, changePercent: null, asOf: null, state: 'missing', provider: deps.primary.name, history: [], weekAgoClose: null };
  });
  return { snapshot: { fetchedAt: now.toISOString(), quotes }, errors };
}
