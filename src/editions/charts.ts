// The edition's market charts: one sparkline per symbol with history, rendered once
// per edition and stored beside it; the variants link to /charts/<edition>/<symbol>.png.
import type { Quote } from '../stories/model.js';
import { direction, formatLevel, signedPercent } from './format.js';
import type { Edition } from './model.js';
import { renderSparkline } from './sparkline.js';
import type { EditionStore } from './store.js';

/** Quotes that can have a chart: a price and at least two sessions. */
export function chartable(quote: Quote): boolean {
  return quote.state !== 'missing' && quote.price !== null && quote.history.length >= 2;
}

/** The trend the line shows: last session against the first. */
export function sessionTrend(quote: Quote): number {
  const closes = quote.history.map((h) => h.close);
  return closes[closes.length - 1]! - closes[0]!;
}

/** Render and store every chart of the edition; returns the symbols that have one. */
export async function renderCharts(edition: Pick<Edition, 'id' | 'market'>, store: Pick<EditionStore, 'putChart'>): Promise<string[]> {
  const symbols: string[] = [];
  for (const quote of edition.market?.quotes.filter(chartable) ?? []) {
    const png = await renderSparkline(quote.history.map((h) => h.close), direction(sessionTrend(quote)));
    await store.putChart(edition.id, quote.symbol, png);
    symbols.push(quote.symbol);
  }
  return symbols;
}

export function chartUrl(publicUrl: string, editionId: string, symbol: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/charts/${encodeURIComponent(editionId)}/${encodeURIComponent(symbol)}.png`;
}

/** Alt text with the numbers: with images off, the reader still gets the line. */
export function chartAlt(quote: Quote): string {
  const closes = quote.history.map((h) => formatLevel(h.close, quote.price ?? h.close));
  const first = quote.history[0]!.close;
  const pct = first ? signedPercent((sessionTrend(quote) / first) * 100) : 'n/a';
  return `${quote.label}, last ${closes.length} sessions: ${closes.join(', ')} (${pct})`;
}
