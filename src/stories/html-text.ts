// HTML fragment → text blocks, in one linear pass of htmlparser2's tokenizer.
// Only real markup is markup: a tag whose name is not an HTML element ("<AAPL.O>",
// "<GOOG>") is text, and "<$5bn" never was a tag. Entities are decoded here, once.
// Script/style bodies, comments, declarations, widgets and markup cut off at the
// end of the input never reach the text.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { hasControls, stripControls } from '../controls.js';
import { CHUNK_CHARS, type CpuBudget } from './budget.js';
import { BLOCKS, DROPPED, ELEMENTS, VOID } from './html-elements.js';

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
const HEADINGS: ReadonlySet<string> = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const KEPT_ATTRIBUTES = new Set(['class', 'href', 'src']);

/** Anything fold() would change besides the ends: controls, odd whitespace, two spaces in a row. */
const NEEDS_FOLDING = /[\u0000-\u001f\u007f-\u00a0\u061c\u1680\u2000-\u202f\u205f-\u206f\u3000\ufeff]| {2}/;

/** Controls, bidi overrides and zero-width characters out (src/controls.ts); every kind of whitespace to one space. */
export function fold(s: string): string {
  if (!NEEDS_FOLDING.test(s)) return s.trim();
  return (hasControls(s) ? stripControls(s) : s).replace(/[\s\u00a0\u2028\u2029]+/g, ' ').trim();
}

/** Is this tag name markup? HTML elements, custom elements (a-b) and namespaced ones (o:p). */
function isMarkup(name: string): boolean {
  return ELEMENTS.has(name) || /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/.test(name) || /^[a-z][\w.-]*:[a-z][\w.-]*$/.test(name);
}

/** The tokenizer's callbacks: one instance per fragment, its state is the reading position. */
class Reader implements TokenizerCallbacks {
  readonly blocks: Block[] = [];
  image: string | undefined;
  /** Characters of text read so far (blocks, and the block being filled). */
  total = 0;

  // The block being filled.
  private parts: string[] = [];
  private heading = false;
  private plainWords = false;
  private readonly hrefs = new Set<string>();

  // Open known elements, and how many of each, so a close tag costs O(1) amortised.
  private readonly stack: string[] = [];
  private readonly open = new Map<string, number>();
  private dropFrom = -1;
  private href: string | undefined;
  private headingDepth = 0;

  // The tag being read.
  private tagName = '';
  private tagStart = 0;
  private attrName = '';
  private attrValue = '';
  private attrs: Record<string, string> = {};

  constructor(private readonly html: string) {}

  endBlock(): void {
    const text = this.parts.length ? fold(this.parts.join('')) : '';
    if (text) {
      const only = !this.plainWords && this.hrefs.size === 1 ? [...this.hrefs][0] : undefined;
      this.blocks.push({ text, heading: this.heading, ...(only !== undefined ? { onlyLink: only } : {}) });
    }
    this.parts = [];
    this.heading = this.headingDepth > 0;
    this.plainWords = false;
    this.hrefs.clear();
  }

  private addText(s: string): void {
    if (this.dropFrom >= 0 || !s) return;
    this.parts.push(s);
    this.total += s.length;
    // Only link-only tracking needs to know whether the text has words; skip the test once it cannot matter.
    if ((this.href === undefined && this.plainWords) || !WORDS.test(s)) return;
    if (this.href !== undefined) this.hrefs.add(this.href);
    else this.plainWords = true;
  }

  private pop(): void {
    const name = this.stack.pop()!;
    this.open.set(name, this.open.get(name)! - 1);
    if (this.dropFrom >= this.stack.length) this.dropFrom = -1;
    if (name === 'a') this.href = undefined;
    if (HEADINGS.has(name)) this.headingDepth--;
    if (BLOCKS.has(name)) this.endBlock();
  }

  private openElement(end: number, selfClosing: boolean): void {
    const name = this.tagName;
    if (!isMarkup(name)) return this.addText(this.html.slice(this.tagStart, end + 1));
    if (name === 'img' && !this.image && this.attrs.src) this.image = this.attrs.src;
    if (BLOCKS.has(name)) this.endBlock();
    if (VOID.has(name) || selfClosing) return;
    this.stack.push(name);
    this.open.set(name, (this.open.get(name) ?? 0) + 1);
    if (this.dropFrom < 0 && (DROPPED.has(name) || BOILERPLATE_CLASS.test(this.attrs.class ?? ''))) this.dropFrom = this.stack.length - 1;
    if (name === 'a') this.href = this.attrs.href?.trim() ?? '';
    if (HEADINGS.has(name)) {
      this.headingDepth++;
      this.heading = true;
    }
  }

  ontext(start: number, end: number): void {
    this.addText(this.html.slice(start, end));
  }
  ontextentity(cp: number): void {
    this.addText(String.fromCodePoint(cp));
  }
  oncdata(start: number, end: number): void {
    this.addText(this.html.slice(start, end));
  }
  onopentagname(start: number, end: number): void {
    this.tagName = this.html.slice(start, end).toLowerCase();
    this.tagStart = start - 1;
    this.attrs = {};
  }
  onattribname(start: number, end: number): void {
    this.attrName = this.html.slice(start, end).toLowerCase();
    this.attrValue = '';
  }
  onattribdata(start: number, end: number): void {
    if (KEPT_ATTRIBUTES.has(this.attrName)) this.attrValue += this.html.slice(start, end);
  }
  onattribentity(cp: number): void {
    if (KEPT_ATTRIBUTES.has(this.attrName)) this.attrValue += String.fromCodePoint(cp);
  }
  onattribend(): void {
    if (KEPT_ATTRIBUTES.has(this.attrName) && !(this.attrName in this.attrs)) this.attrs[this.attrName] = this.attrValue;
  }
  onopentagend(end: number): void {
    this.openElement(end, false);
  }
  onselfclosingtag(end: number): void {
    this.openElement(end, true);
  }
  onclosetag(start: number, end: number): void {
    const raw = this.html.slice(start, end);
    const name = raw.toLowerCase();
    if (!isMarkup(name)) return this.addText(`</${raw}>`);
    if (name === 'br' || name === 'p') this.endBlock();
    if (!this.open.get(name)) return;
    while (this.stack.length && this.stack[this.stack.length - 1] !== name) this.pop();
    this.pop();
  }
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

export function htmlText(html: string, opts: { budget?: CpuBudget; maxChars?: number } = {}): HtmlText {
  const maxChars = opts.maxChars ?? Number.POSITIVE_INFINITY;
  const reader = new Reader(html);
  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, reader);
  let complete = true;
  for (let at = 0; at < html.length; at += CHUNK_CHARS) {
    tokenizer.write(at === 0 && html.length <= CHUNK_CHARS ? html : html.slice(at, at + CHUNK_CHARS));
    opts.budget?.check();
    if (reader.total > maxChars) {
      complete = false;
      break;
    }
  }
  if (complete) tokenizer.end();
  reader.endBlock();
  return { blocks: reader.blocks, ...(reader.image ? { image: reader.image } : {}), complete };
}
