// A market-data provider answers one symbol at a time; the snapshot decides
// fallbacks and staleness. Failures throw SourceFetchError (429, HTML, bad JSON).
import type { z } from 'zod';
import type { MarketSymbolSchema } from '../sources-schema.js';

/** What a quote needs of a configured symbol (its `names` are for watchlists, not quotes). */
export type MarketSymbol = Pick<z.infer<typeof MarketSymbolSchema>, 'symbol' | 'label' | 'fallback'>;

export interface RawQuote {
  price: number;
  /** Close of the session before the one `price` belongs to. */
  previousClose: number | null;
  currency?: string;
  /** When the price was true. */
  asOf: Date;
  /** Closes of the last sessions, oldest first (at most SESSIONS; the last may be today's price so far). */
  history: SessionClose[];
  /** Close of the session before `history` starts: the base of the week's change. */
  weekAgoClose: number | null;
}

export interface SessionClose {
  /** The session's date at the exchange, YYYY-MM-DD. */
  date: string;
  close: number;
}

/** Sessions kept per quote: a trading week, for the sparkline and the weekly table. */
export const SESSIONS = 5;

export interface QuoteProvider {
  readonly name: string;
  /** `id` is the provider's own identifier (Yahoo symbol, FRED series). */
  quote(id: string): Promise<RawQuote>;
}

export const MARKET_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
