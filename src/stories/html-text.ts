// HTML fragment → text blocks, in one linear pass of htmlparser2's tokenizer.
// Only real markup is markup: a tag whose name is not an HTML element ("<AAPL.O>",
// "<GOOG>") is text, and "<$5bn" never was a tag. Entities are decoded here, once.
// Script/style bodies, comments, declarations, widgets and markup cut off at the
// end of the input never reach the text.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { CHUNK_CHARS, type CpuBudget } from './budget.js';
import { DROPPED, ELEMENTS, VOID, BLOCKS } from './html-elements.js';

export interface Block {
  text: string;
  /** From an h1–h6. */
  heading: boolean;
  /** The one link target when every word of the block is inside links to it. */
  onlyLink?: string;
}

export interface HtmlText {
  blocks: Block[];
  /** First `<img src>` (figures are dropped from the text, not from the picture). */
  image?: string;
  /** False when the text was cut at `maxChars` (the last block is not the real end). */
  complete: boolean;
}

/** Widgets by class: share bars, related posts, captions, comment sections, ads. */
const BOILERPLATE_CLASS =
  /(?:^|[\s_-])(wp-caption|sharedaddy|share|sharing|social|jp-relatedposts|related|wpdiscuz|comments?|subscribe|newsletter|advert|ad|ads|credit|caption)(?:$|[\s_-])/i;

const WORDS = /[\p{L}\p{N}]/u;

/** Collapse every kind of whitespace to one space. */
export function fold(s: string): string {
  return s.replace(/[\s\u00a0\u200b\u2028\u2029]+/g, ' ').trim();
}

/** Is this tag name markup? HTML elements, custom elements (a-b) and namespaced ones (o:p). */
function isMarkup(name: string): boolean {
  return ELEMENTS.has(name) || /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/.test(name) || /^[a-z][\w.-]*:[a-z][\w.-]*$/.test(name);
}

export function htmlText(html: string, opts: { budget?: CpuBudget; maxChars?: number } = {}): HtmlText {
  const maxChars = opts.maxChars ?? Number.POSITIVE_INFINITY;
  const blocks: Block[] = [];
  let image: string | undefined;
  let total = 0;

  // The block being filled.
  let parts: string[] = [];
  let heading = false;
  let plainWords = false;
  const hrefs = new Set<string>();

  // Open known elements: names, and how many of each, so a close tag is O(1) amortised.
  const stack: string[] = [];
  const open = new Map<string, number>();
  let dropFrom = -1;
  let href: string | undefined;
  let headingDepth = 0;

  // The tag being read.
  let tagName = '';
  let tagStart = 0;
  let attrName = '';
  let attrValue = '';
  let attrs: Record<string, string> = {};

  const endBlock = () => {
    const text = fold(parts.join(''));
    if (text) {
      const only = !plainWords && hrefs.size === 1 ? [...hrefs][0] : undefined;
      blocks.push({ text, heading, ...(only ? { onlyLink: only } : {}) });
      total += text.length;
    }
    parts = [];
    heading = headingDepth > 0;
    plainWords = false;
    hrefs.clear();
  };

  const addText = (s: string) => {
    if (dropFrom >= 0 || !s) return;
    parts.push(s);
    if (!WORDS.test(s)) return;
    if (href !== undefined) hrefs.add(href);
    else plainWords = true;
  };

  const pop = (): void => {
    const name = stack.pop()!;
    open.set(name, open.get(name)! - 1);
    if (dropFrom >= stack.length) dropFrom = -1;
    if (name === 'a') href = undefined;
    if (/^h[1-6]$/.test(name)) headingDepth--;
    if (BLOCKS.has(name)) endBlock();
  };

  const openElement = (selfClosing: boolean) => {
    if (!isMarkup(tagName)) {
      addText(html.slice(tagStart, tagEnd + 1));
      return;
    }
    if (tagName === 'img' && !image && attrs.src) image = attrs.src;
    if (BLOCKS.has(tagName)) endBlock();
    if (VOID.has(tagName) || selfClosing) return;
    stack.push(tagName);
    open.set(tagName, (open.get(tagName) ?? 0) + 1);
    if (dropFrom < 0 && (DROPPED.has(tagName) || BOILERPLATE_CLASS.test(attrs.class ?? ''))) dropFrom = stack.length - 1;
    if (tagName === 'a') href = attrs.href?.trim() ?? '';
    if (/^h[1-6]$/.test(tagName)) {
      headingDepth++;
      heading = true;
    }
  };
  let tagEnd = 0;

  const cbs: TokenizerCallbacks = {
    ontext: (start, end) => addText(html.slice(start, end)),
    ontextentity: (cp) => addText(String.fromCodePoint(cp)),
    oncdata: (start, end) => addText(html.slice(start, end)),
    onopentagname: (start, end) => {
      tagName = html.slice(start, end).toLowerCase();
      tagStart = start - 1;
      attrs = {};
    },
    onattribname: (start, end) => {
      attrName = html.slice(start, end).toLowerCase();
      attrValue = '';
    },
    onattribdata: (start, end) => {
      if (attrName === 'class' || attrName === 'href' || attrName === 'src') attrValue += html.slice(start, end);
    },
    onattribentity: (cp) => {
      if (attrName === 'class' || attrName === 'href' || attrName === 'src') attrValue += String.fromCodePoint(cp);
    },
    onattribend: () => {
      if (!(attrName in attrs)) attrs[attrName] = attrValue;
    },
    onopentagend: (end) => {
      tagEnd = end;
      openElement(false);
    },
    onselfclosingtag: (end) => {
      tagEnd = end;
      openElement(true);
    },
    onclosetag: (start, end) => {
      const name = html.slice(start, end).toLowerCase();
      if (!isMarkup(name)) return addText(`</${html.slice(start, end)}>`);
      if (name === 'br' || name === 'p') endBlock();
      if (!open.get(name)) return;
      while (stack.length && stack[stack.length - 1] !== name) pop();
      pop();
    },
    oncomment: () => {},
    ondeclaration: () => {},
    onprocessinginstruction: () => {},
    onend: () => {},
  };

  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, cbs);
  let complete = true;
  for (let at = 0; at < html.length; at += CHUNK_CHARS) {
    tokenizer.write(html.slice(at, at + CHUNK_CHARS));
    opts.budget?.check();
    if (total > maxChars) {
      complete = false;
      break;
    }
  }
  if (complete) tokenizer.end();
  endBlock();
  return { blocks, ...(image ? { image } : {}), complete };
}
