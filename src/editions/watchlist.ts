// Watchlists without a compile per reader. A variant is compiled once with cut marks
// around each market row and each story (`%%<token>:cut:row|story|end%%`) and a mark
// slot in each story (`%%<token>:mark%%`). Per process, each variant is cut once into
// fixed pieces and chunks; each story's marked and unmarked forms are made once; a
// reader's mail is those pieces joined in their order: watched instruments' rows first,
// stories naming a watched instrument first in their section, marked "On your watchlist".
// Readers with the same arrangement share one cached result.
import type { EditionVariant, WatchLayout } from './model.js';

/** How stories name an instrument (sources file: `label` and `names`). */
export interface WatchNames {
  symbol: string;
  names: readonly string[];
}

export const MARK_HTML =
  '<span style="display:inline-block;font-size:11px;font-weight:700;letter-spacing:0.03em;color:#92400e;background-color:#fef3c7;border-radius:3px;padding:1px 6px;margin:0 0 4px 0;">On your watchlist</span><br />';
export const MARK_TEXT = '[On your watchlist] ';

export const cutMark = (token: string, kind: 'row' | 'story' | 'end') => `%%${token}:cut:${kind}%%`;
export const markSlot = (token: string) => `%%${token}:mark%%`;
/** The story's number in the text part, counted per section after arranging. */
export const numberSlot = (token: string) => `%%${token}:num%%`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const matchers = new WeakMap<readonly WatchNames[], { symbol: string; re: RegExp }[]>();

/** Symbols a story names, as whole words, case as the operator wrote them ("Apple", "AAPL"). */
export function symbolsNamed(text: string, watch: readonly WatchNames[]): string[] {
  let list = matchers.get(watch);
  if (!list) {
    list = watch
      .filter((w) => w.names.length > 0)
      .map((w) => ({ symbol: w.symbol, re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${w.names.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'u') }));
    matchers.set(watch, list);
  }
  return list.filter((m) => m.re.test(text)).map((m) => m.symbol);
}

type Piece = string | { kind: 'row' | 'story'; chunks: string[] };

/** Fixed text and runs of chunks, as the cut marks delimit them. */
function cut(source: string, token: string): Piece[] {
  const marker = `%%${token}:cut:`;
  const pieces: Piece[] = [];
  let run: { kind: 'row' | 'story'; chunks: string[] } | null = null;
  let from = 0;
  let pending: 'row' | 'story' | null = null;
  const close = (text: string) => {
    if (pending && run) run.chunks.push(text);
    else pieces.push(text);
  };
  for (let at = source.indexOf(marker); at !== -1; at = source.indexOf(marker, from)) {
    const end = source.indexOf('%%', at + marker.length);
    const kind = source.slice(at + marker.length, end);
    close(source.slice(from, at));
    from = end + 2;
    if (kind === 'end') {
      if (run) pieces.push(run);
      run = null;
      pending = null;
    } else if (kind === 'row' || kind === 'story') {
      if (!run || run.kind !== kind) {
        if (run) pieces.push(run);
        run = { kind, chunks: [] };
      }
      pending = kind;
    }
  }
  close(source.slice(from));
  if (run) pieces.push(run);
  return pieces;
}

interface Prepared {
  html: Piece[];
  text: Piece[];
}

/**
 * Per stored variant object (a sender holds one per edition and key for all its readers):
 * its pieces, and its arrangements so far (at most ARRANGEMENTS, oldest dropped first).
 */
const cache = new WeakMap<EditionVariant, { pieces: Prepared; arranged: Map<string, EditionVariant> }>();
const ARRANGEMENTS = 256;

/** Join the pieces in the arrangement: watched rows first; per section, watched stories first and marked. */
function join(pieces: Piece[], layout: WatchLayout, watched: ReadonlySet<string>, token: string, text: boolean): string {
  const mark = markSlot(token);
  const num = numberSlot(token);
  let out = '';
  let story = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    if (piece.kind === 'row') {
      const first = piece.chunks.filter((_, i) => watched.has(layout.rows[i] ?? ''));
      out += [...first, ...piece.chunks.filter((_, i) => !watched.has(layout.rows[i] ?? ''))].join('');
      continue;
    }
    const stories = piece.chunks.map((chunk, i) => ({ chunk, hit: (layout.stories[story + i] ?? []).some((s) => watched.has(s)) }));
    story += piece.chunks.length;
    const ordered = [...stories.filter((s) => s.hit), ...stories.filter((s) => !s.hit)];
    ordered.forEach((s, i) => {
      const marked = s.chunk.replace(mark, s.hit ? (text ? MARK_TEXT : MARK_HTML) : '');
      out += text ? marked.replace(num, String(i + 1)) : marked;
    });
  }
  return out;
}

/**
 * The variant as this reader gets it: a plain variant (no cut marks) with their rows and
 * stories first. Variants without a layout (built before watchlists, system mail) pass through.
 */
export function arrangeVariant(variant: EditionVariant, watchlist: readonly string[] = []): EditionVariant {
  const layout = variant.watch;
  if (!layout) return variant;
  const present = new Set([...layout.rows, ...layout.stories.flat()]);
  const watched = new Set(watchlist.filter((s) => present.has(s)));
  // Readers whose watchlists have the same effect share one result.
  const rows = layout.rows.filter((s) => watched.has(s)).join(',');
  const stories = layout.stories.map((syms, i) => (syms.some((s) => watched.has(s)) ? i : -1)).filter((i) => i >= 0).join(',');
  const arrangement = `${rows}|${stories}`;
  let entry = cache.get(variant);
  if (!entry) {
    entry = { pieces: { html: cut(variant.html, variant.token), text: cut(variant.text, variant.token) }, arranged: new Map() };
    cache.set(variant, entry);
  }
  const hit = entry.arranged.get(arrangement);
  if (hit) return hit;
  const { watch: _layout, ...plain } = variant;
  const result: EditionVariant = {
    ...plain,
    arrangement,
    html: join(entry.pieces.html, layout, watched, variant.token, false),
    text: join(entry.pieces.text, layout, watched, variant.token, true),
  };
  if (entry.arranged.size >= ARRANGEMENTS) entry.arranged.delete(entry.arranged.keys().next().value!);
  entry.arranged.set(arrangement, result);
  return result;
}
