// What the format readers (feed-xml.ts, feed-json.ts) hand to the cleaner.
import type { Field } from './text.js';

export interface RawItem {
  /** guid / Atom id / JSON Feed id / rdf:about: the item's identity within its feed. */
  id: string | null;
  title: Field | null;
  /**
   * Link candidates in the format's order: `<link>`, then a permalink guid, then an
   * http(s) Atom id (or JSON Feed url, external_url). May be relative.
   */
  links: string[];
  description: Field | null;
  content: Field | null;
  /** Date texts as written, publication before update. */
  dates: string[];
  imageUrl: string | null;
  /** xml:base in effect for the item, when one is declared. */
  base?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json';
  /** Base for relative links: the feed's own link, its xml:base, or the fetched URL. */
  baseUrl: string;
  items: RawItem[];
}
