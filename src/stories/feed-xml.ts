// XML feeds → raw items: RSS 0.9x/2.0, RDF (RSS 1.0), Atom 1.0 and 0.3.
// Titles and descriptions come from the item's own elements (its namespace),
// never from an extension that happens to share the local name (media:title).
// Each field keeps its markup type so it is decoded exactly once.
import type { CpuBudget } from './budget.js';
import { SourceFetchError } from './fetch.js';
import type { ParsedFeed, RawItem } from './feed-model.js';
import type { Field } from './text.js';
import { absoluteOr } from './url.js';
import { NS, scanXml, xmlText, type XmlElement } from './xml-scan.js';

type Format = 'rss' | 'atom';

const ITEM_NS: Record<Format, ReadonlySet<string>> = {
  rss: new Set(['', NS.rss10, NS.rss090]),
  atom: new Set([NS.atom, NS.atom03, '']),
};

const isHttp = (s: string | undefined): s is string => !!s && /^https?:\/\//i.test(s.trim());

/** Atom `type` (1.0: text|html|xhtml; 0.3: a MIME type with `mode`) → how to read it; null = not text. */
function atomField(el: XmlElement, raw: string): Field | null {
  const type = (el.attrs.type ?? 'text').toLowerCase();
  const mode = (el.attrs.mode ?? '').toLowerCase();
  if (mode === 'base64' || el.attrs.src) return null;
  if (type === 'xhtml' || type === 'application/xhtml+xml' || ((type === 'html' || type === 'text/html') && mode === 'xml')) {
    return { value: raw, type: 'html' }; // the markup itself, still entity-encoded: the HTML reader decodes it
  }
  if (type === 'html' || type === 'text/html') return { value: xmlText(raw), type: 'html' };
  if (type === 'text' || type.startsWith('text/')) return { value: xmlText(raw), type: 'text' };
  return null;
}

const html = (raw: string): Field => ({ value: xmlText(raw), type: 'html' });

interface Draft {
  el: XmlElement;
  id: string | null;
  title: Field | null;
  link: string | null;
  linkIsPage: boolean;
  permalinkGuid: string | null;
  alternate: string | null;
  description: Field | null;
  content: Field | null;
  /** media:description / itunes:summary: used only when the item has no description of its own. */
  fallbackDescription: Field | null;
  dates: { rank: number; text: string }[];
  image: string | null;
}

/** Date elements by preference: publication before update. */
const DATE_RANK: Record<string, number> = { pubDate: 0, published: 0, issued: 1, date: 1, created: 2, updated: 3, modified: 3 };

function isImage(el: XmlElement): boolean {
  const type = el.attrs.type ?? '';
  return type.startsWith('image/') || el.attrs.medium === 'image' || (!type && el.local === 'thumbnail');
}

function onChild(d: Draft, format: Format, el: XmlElement, raw: string, direct: boolean): void {
  const own = el.ns === d.el.ns;
  const text = () => xmlText(raw).trim();
  // Images may sit deeper (media:group), everything else is a direct child.
  if (!d.image && el.ns === NS.media && (el.local === 'thumbnail' || el.local === 'content') && isImage(el)) d.image = el.attrs.url ?? null;
  if (!d.fallbackDescription && ((el.ns === NS.media && el.local === 'description') || (el.ns === NS.itunes && el.local === 'summary'))) {
    d.fallbackDescription = { value: xmlText(raw), type: el.attrs.type === 'html' ? 'html' : 'text' };
  }
  if (!direct) return;
  if (own && format === 'rss') {
    if (el.local === 'title') d.title = html(raw);
    else if (el.local === 'link') d.link = text() || el.attrs.href?.trim() || null;
    else if (el.local === 'description') d.description = html(raw);
    else if (el.local === 'guid') {
      d.id = text() || null;
      if ((el.attrs.isPermaLink ?? 'true').trim().toLowerCase() !== 'false' && isHttp(d.id ?? undefined)) d.permalinkGuid = d.id;
    } else if (el.local === 'pubDate') d.dates.push({ rank: 0, text: text() });
    else if (el.local === 'enclosure' && !d.image && isImage(el)) d.image = el.attrs.url ?? null;
    return;
  }
  if (own && format === 'atom') {
    if (el.local === 'title') d.title = atomField(el, raw);
    else if (el.local === 'summary') d.description = atomField(el, raw);
    else if (el.local === 'content') d.content = atomField(el, raw);
    else if (el.local === 'id') d.id = text() || null;
    else if (el.local === 'link' && el.attrs.href) {
      const rel = (el.attrs.rel ?? 'alternate').toLowerCase();
      const href = absoluteOr(el.attrs.href, el.base);
      // The first alternate, unless it is not a web page and a later one is.
      const page = (el.attrs.type ?? 'text/html').includes('html');
      if (rel === 'alternate' && (!d.link || (page && !d.linkIsPage))) [d.link, d.linkIsPage] = [href, page];
      if (rel === 'enclosure' && !d.image && isImage(el)) d.image = href;
    } else if (el.local in DATE_RANK) d.dates.push({ rank: DATE_RANK[el.local]!, text: text() });
    return;
  }
  if (el.ns === NS.content && el.local === 'encoded') d.content = html(raw);
  else if ((el.ns === NS.dc || el.ns === NS.dcterms) && el.local in DATE_RANK) d.dates.push({ rank: DATE_RANK[el.local]!, text: text() });
  else if (el.ns === NS.atom && el.local === 'link' && (el.attrs.rel ?? 'alternate') === 'alternate' && el.attrs.href) d.alternate ??= el.attrs.href.trim();
  else if (el.ns === NS.itunes && el.local === 'image' && !d.image) d.image = el.attrs.href ?? null;
}

function toRawItem(d: Draft, documentUrl: string): RawItem {
  const links = [d.link, d.permalinkGuid, isHttp(d.id ?? undefined) ? d.id : null, d.alternate].filter((l): l is string => !!l);
  return {
    id: d.id ?? d.el.attrs['rdf:about'] ?? null,
    title: d.title,
    links,
    description: d.description ?? (d.content ? null : d.fallbackDescription),
    content: d.content,
    dates: d.dates.sort((a, b) => a.rank - b.rank).map((x) => x.text),
    imageUrl: d.image,
    ...(d.el.base !== documentUrl ? { base: d.el.base } : {}),
  };
}

function formatOf(root: XmlElement): Format {
  if (root.local === 'rss' || root.local === 'RDF' || root.local === 'channel') return 'rss';
  if (root.local === 'feed') return 'atom';
  throw new SourceFetchError('parse', `not a feed: root element <${root.name}>`);
}

export async function parseXmlFeed(text: string, fetchedUrl: string, budget: CpuBudget): Promise<ParsedFeed> {
  let format: Format | undefined;
  let rootNs = '';
  let feedLink: string | undefined;
  let item: Draft | null = null;
  const items: RawItem[] = [];
  const result = await scanXml(text, fetchedUrl, {
    open(el) {
      if (!format) [format, rootNs] = [formatOf(el), el.ns];
      // Items in the format's namespace, or in the root's ("http://backend.userland.com/rss2").
      if (!item && el.local === (format === 'rss' ? 'item' : 'entry') && (ITEM_NS[format].has(el.ns) || el.ns === rootNs)) {
        item = { el, id: null, title: null, link: null, linkIsPage: false, permalinkGuid: null, alternate: null, description: null, content: null, fallbackDescription: null, dates: [], image: null };
      }
    },
    close(el, innerEnd) {
      if (item?.el === el) {
        items.push(toRawItem(item, fetchedUrl));
        item = null;
        return;
      }
      if (item) return onChild(item, format!, el, text.slice(el.innerStart, innerEnd), el.depth === item.el.depth + 1);
      // The feed's own link: the base for relative item links.
      if (el.depth <= 2 && el.local === 'link' && !feedLink) {
        const href = format === 'atom' ? ((el.attrs.rel ?? 'alternate') === 'alternate' ? el.attrs.href : undefined) : el.ns === '' ? xmlText(text.slice(el.innerStart, innerEnd)) : undefined;
        if (href?.trim()) feedLink = absoluteOr(href, el.base);
      }
    },
  }, budget);
  if (!result.root) throw new SourceFetchError('parse', 'not a feed: no XML root element');
  return { format: format!, baseUrl: feedLink ?? result.root.base, items };
}
