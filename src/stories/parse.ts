// Text of a feed → raw items. RSS 0.9x/2.0, RDF 1.0 and Atom go through
// @rowanmanning/feed-parser (the most tolerant parser we measured); JSON Feed is
// mapped here. Nothing is cleaned yet: clean.ts turns raw items into stories.
import { parseFeed } from '@rowanmanning/feed-parser';
import { SourceFetchError } from './fetch.js';

export interface RawItem {
  title: string | null;
  /** As given, possibly relative; resolved by the cleaner. */
  link: string | null;
  description: string | null;
  content: string | null;
  /** The date text exactly as the feed wrote it (we parse zoneless dates as UTC ourselves). */
  dateText: string | null;
  imageUrl: string | null;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json';
  /** Base for relative links: the feed's own link or the fetched URL. */
  baseUrl: string;
  items: RawItem[];
}

/**
 * fast-xml-parser (as configured inside feed-parser) expands internal entities
 * without a limit. Feeds have no use for a DOCTYPE internal subset, so any
 * ENTITY declaration (billion laughs, XXE) refuses the document; a plain DOCTYPE
 * (Netscape RSS 0.91) is cut out.
 */
export function guardXml(text: string): string {
  if (/<!ENTITY/i.test(text) || /<!DOCTYPE[^>[]*\[/i.test(text)) {
    throw new SourceFetchError('parse', 'refused: DOCTYPE with entity declarations');
  }
  return text.replace(/<!DOCTYPE[^>]*>/gi, '');
}

export function parseFeedText(text: string, fetchedUrl: string, contentType?: string): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || /json/i.test(contentType ?? '')) return parseJsonFeed(trimmed, fetchedUrl);
  return parseXmlFeed(guardXml(trimmed), fetchedUrl);
}

function parseXmlFeed(text: string, fetchedUrl: string): ParsedFeed {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(text);
  } catch (err) {
    throw new SourceFetchError('parse', `not a feed: ${(err as Error).message}`);
  }
  const format = feed.meta.type === 'atom' ? 'atom' : 'rss';
  const items: RawItem[] = [];
  for (const item of feed.items) {
    const el = item.element;
    const dateEl =
      el.findElementWithName('pubdate') ??
      el.findElementWithName('published') ??
      el.findElementWithName('date') ??
      el.findElementWithName('issued') ??
      el.findElementWithName('updated') ??
      el.findElementWithName('modified');
    const image = item.image?.url ?? item.mediaImages[0]?.url ?? enclosureImage(item.media) ?? null;
    const raw: RawItem = {
      title: item.title,
      link: item.url,
      description: item.description,
      content: item.content,
      dateText: dateEl ? dateEl.textContent.trim() || null : null,
      imageUrl: image,
    };
    if (raw.title || raw.link) items.push(raw);
  }
  return { format, baseUrl: absoluteOr(feed.url, fetchedUrl), items };
}

function enclosureImage(media: { url: string; mimeType: string | null }[]): string | undefined {
  return media.find((m) => m.mimeType?.startsWith('image/'))?.url;
}

function absoluteOr(candidate: string | null, fallback: string): string {
  if (!candidate) return fallback;
  try {
    return new URL(candidate, fallback).href;
  } catch {
    return fallback;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1). */
function parseJsonFeed(text: string, fetchedUrl: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SourceFetchError('parse', `bad JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { items?: unknown }).items)) {
    throw new SourceFetchError('parse', 'not a JSON Feed (no items array)');
  }
  const feed = doc as Record<string, unknown> & { items: unknown[] };
  const base = absoluteOr(str(feed.home_page_url) ?? str(feed.feed_url), fetchedUrl);
  const items: RawItem[] = [];
  for (const entry of feed.items) {
    if (typeof entry !== 'object' || entry === null) continue;
    const it = entry as Record<string, unknown>;
    const text = str(it.content_text);
    const raw: RawItem = {
      title: str(it.title),
      link: str(it.url) ?? str(it.external_url),
      description: str(it.summary),
      content: str(it.content_html) ?? (text ? escapeText(text) : null),
      dateText: str(it.date_published) ?? str(it.date_modified),
      imageUrl: str(it.image) ?? str(it.banner_image),
    };
    if (raw.title || raw.link) items.push(raw);
  }
  return { format: 'json', baseUrl: base, items };
}

/** content_text is plain text; the cleaner expects HTML, so keep "<" literal. */
function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n{2,}/g, '</p><p>');
}
