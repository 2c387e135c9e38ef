// A linear, namespace-aware walk over an XML document with htmlparser2's tokenizer
// (xmlMode, no entity decoding: callers slice the raw text of the elements they
// want and decode it once, by their format's rules). Tolerant like a feed reader:
// stray close tags are ignored, unclosed ones are closed by their parent's end,
// and nothing is emitted for elements still open when the text ends.
// No entity is ever expanded, so entity bombs and XXE have nothing to work on; a
// DOCTYPE with an internal subset before the root element is refused anyway.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { decodeHTMLStrict } from 'entities';
import { CHUNK_CHARS, type CpuBudget } from './budget.js';
import { SourceFetchError } from './fetch.js';

export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  media: 'http://search.yahoo.com/mrss/',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/** Prefixes feeds use without declaring them. */
const CONVENTIONAL: Record<string, string> = {
  atom: NS.atom, content: NS.content, dc: NS.dc, dcterms: NS.dcterms, media: NS.media, itunes: NS.itunes, rdf: NS.rdf, xml: NS.xml,
};

export interface XmlElement {
  /** As written, e.g. "content:encoded". */
  name: string;
  local: string;
  /** Resolved namespace URI; '' for none. */
  ns: string;
  /** Attribute values, XML-decoded, by name as written (and by local name for xml:base). */
  attrs: Readonly<Record<string, string>>;
  depth: number;
  /** Index just after the start tag's ">". */
  innerStart: number;
  /** xml:base in effect (the document URL when none is declared). */
  base: string;
}

export interface XmlHandler {
  open(el: XmlElement): void;
  /** `innerEnd` is the index where the element's content ends (its end tag, or its parent's). */
  close(el: XmlElement, innerEnd: number): void;
}

interface Frame {
  el: XmlElement;
  prefixes: ReadonlyMap<string, string>;
}

const NO_PREFIXES: ReadonlyMap<string, string> = new Map();

/** XML text → string: CDATA sections verbatim, entity references decoded once, elements left as written. */
export function xmlText(raw: string): string {
  if (!raw.includes('&') && !raw.includes('<![CDATA[')) return raw;
  let out = '';
  let at = 0;
  while (at < raw.length) {
    const cdata = raw.indexOf('<![CDATA[', at);
    const stop = cdata < 0 ? raw.length : cdata;
    out += raw.includes('&', at) ? decodeHTMLStrict(raw.slice(at, stop)) : raw.slice(at, stop);
    if (cdata < 0) break;
    const end = raw.indexOf(']]>', cdata + 9);
    out += raw.slice(cdata + 9, end < 0 ? raw.length : end);
    at = end < 0 ? raw.length : end + 3;
  }
  return out;
}

function resolveBase(value: string | undefined, parent: string): string {
  if (!value) return parent;
  try {
    return new URL(value.trim(), parent).href;
  } catch {
    return parent;
  }
}

export async function scanXml(text: string, documentUrl: string, handler: XmlHandler, budget: CpuBudget): Promise<{ root: XmlElement | null }> {
  const stack: Frame[] = [];
  const open = new Map<string, number>();
  let root: XmlElement | null = null;
  let tagName = '';
  let attrName = '';
  let attrValue = '';
  let attrs: Record<string, string> = {};

  const push = (innerStart: number): void => {
    const parent = stack[stack.length - 1];
    let prefixes = parent?.prefixes ?? NO_PREFIXES;
    for (const k in attrs) {
      if (k !== 'xmlns' && !k.startsWith('xmlns:')) continue;
      if (prefixes === parent?.prefixes || prefixes === NO_PREFIXES) prefixes = new Map(prefixes);
      (prefixes as Map<string, string>).set(k === 'xmlns' ? '' : k.slice(6), attrs[k]!.trim());
    }
    const colon = tagName.indexOf(':');
    const prefix = colon > 0 ? tagName.slice(0, colon) : '';
    const el: XmlElement = {
      name: tagName,
      local: colon > 0 ? tagName.slice(colon + 1) : tagName,
      ns: prefixes.get(prefix) ?? (prefix ? (CONVENTIONAL[prefix] ?? `urn:undeclared:${prefix}`) : ''),
      attrs,
      depth: stack.length,
      innerStart,
      base: attrs['xml:base'] === undefined ? (parent?.el.base ?? documentUrl) : resolveBase(attrs['xml:base'], parent?.el.base ?? documentUrl),
    };
    stack.push({ el, prefixes });
    open.set(tagName, (open.get(tagName) ?? 0) + 1);
    root ??= el;
    handler.open(el);
  };

  const pop = (innerEnd: number): void => {
    const { el } = stack.pop()!;
    open.set(el.name, open.get(el.name)! - 1);
    handler.close(el, innerEnd);
  };

  const cbs: TokenizerCallbacks = {
    onopentagname: (start, end) => {
      tagName = text.slice(start, end);
      attrs = {};
    },
    onattribname: (start, end) => {
      attrName = text.slice(start, end);
      attrValue = '';
    },
    onattribdata: (start, end) => {
      attrValue += text.slice(start, end);
    },
    onattribentity: () => {},
    onattribend: () => {
      if (!(attrName in attrs)) attrs[attrName] = xmlText(attrValue);
    },
    onopentagend: (end) => void push(end + 1),
    onselfclosingtag: (end) => {
      push(end + 1);
      pop(end + 1);
    },
    onclosetag: (start, end) => {
      const name = text.slice(start, end);
      if (!open.get(name)) return;
      while (stack[stack.length - 1]!.el.name !== name) pop(start - 2);
      pop(start - 2);
    },
    ondeclaration: (start, end) => {
      // Only a real DOCTYPE (before the root) can declare entities; one quoted in CDATA is text.
      if (!root && /^(doctype[\s\S]*\[|entity)/i.test(text.slice(start, end))) {
        throw new SourceFetchError('parse', 'refused: DOCTYPE with an internal subset (entity declarations)');
      }
    },
    ontext: () => {},
    ontextentity: () => {},
    oncdata: () => {},
    oncomment: () => {},
    onprocessinginstruction: () => {},
    onend: () => {},
  };

  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, cbs);
  for (let at = 0; at < text.length; at += CHUNK_CHARS) {
    tokenizer.write(text.slice(at, at + CHUNK_CHARS));
    await budget.breathe();
  }
  tokenizer.end();
  return { root };
}
