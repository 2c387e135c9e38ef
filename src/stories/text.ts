// A feed field (plain text or HTML, as its format says) → clean paragraphs:
// boilerplate lines and tails, photo credits and teaser markers removed.
import type { CpuBudget } from './budget.js';
import { isBoilerplateLine, stripInlineNoise, stripTeaserMarker } from './boilerplate.js';
import { fold, htmlText, type Block } from './html-text.js';

/** How a field's text is to be read: as plain text, or as HTML markup. */
export type Markup = 'text' | 'html';

export interface Field {
  value: string;
  type: Markup;
}

export interface CleanText {
  paragraphs: Block[];
  /** The text ends in a teaser marker ("[…]", "Continue reading") or was cut by us: its tail is a fragment. */
  truncated: boolean;
  image?: string;
}

export interface CleanOptions {
  budget?: CpuBudget;
  /** Enough text for a summary and a headline; the rest is not read. */
  maxChars?: number;
  /** True for a link to the item itself: a short last paragraph that only links there is not content. */
  isSelfLink?: (href: string) => boolean;
}

const DEFAULT_MAX_CHARS = 6000;
const SELF_LINK_TAIL_MAX = 80;
const LINE_MAX_CHARS = 4000;

/** "Jack Guez/AFP/Getty Images", "Photo by X / Reuters", "REUTERS/Brendan McDermid". */
const AGENCY = /(getty images|afp|reuters|associated press|\bap\b|shutterstock|epa(-efe)?|bloomberg|anadolu|xinhua|pa images|pa media|alamy|nurphoto|sopa images|lightrocket)/i;
function isCreditLine(p: string): boolean {
  if (p.length > 120 || (/[.!?]$/.test(p.replace(/\)$/, '')) && !/\/\s*\S+\)?\.?$/.test(p))) return false;
  if (/^\(?(photo|image|picture|photograph|credit|file photo)\b/i.test(p) && p.length < 160) return true;
  return AGENCY.test(p) && (p.includes('/') || /^(photo|image|credit)/i.test(p) || p.split(/\s+/).length <= 8);
}

/** HTML with neither a tag nor an entity reads as the plain text it is (no tokenizer needed). */
const hasMarkup = (html: string) => html.includes('<') || html.includes('&');

/** Plain text: paragraphs are separated by blank lines; nothing in it is markup. */
function textBlocks(value: string, maxChars: number): { blocks: Block[]; complete: boolean } {
  const head = value.length > maxChars ? value.slice(0, maxChars) : value;
  const blocks = head
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => fold(p))
    .filter(Boolean)
    .map((text) => ({ text, heading: false }));
  return { blocks, complete: head.length === value.length };
}

export function cleanField(field: Field | null | undefined, opts: CleanOptions = {}): CleanText {
  if (!field?.value) return { paragraphs: [], truncated: false };
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const read =
    field.type === 'html' && hasMarkup(field.value)
      ? htmlText(field.value, { maxChars, ...(opts.budget ? { budget: opts.budget } : {}) })
      : { ...textBlocks(field.value, maxChars), image: undefined };
  const out: Block[] = [];
  for (const block of read.blocks) {
    const text = stripInlineNoise(block.text);
    if (!text || !/\p{L}/u.test(text) || isBoilerplateLine(text) || isCreditLine(text)) continue;
    out.push({ ...block, text });
  }
  let truncated = !read.complete;
  const tail = out[out.length - 1];
  if (tail) {
    const teaser = stripTeaserMarker(tail.text);
    truncated ||= teaser.marked;
    if (teaser.text) tail.text = teaser.text;
    else out.pop();
  }
  // Structural rule: a short last paragraph that only links to the item itself ("∞", "View post ›").
  const last = out[out.length - 1];
  if (last?.onlyLink !== undefined && last.text.length <= SELF_LINK_TAIL_MAX && opts.isSelfLink?.(last.onlyLink) && !truncated) out.pop();
  return { paragraphs: out, truncated, ...(read.image ? { image: read.image } : {}) };
}

/** A field as one line (titles). */
export function fieldLine(field: Field | null | undefined, budget?: CpuBudget): string {
  if (!field?.value) return '';
  if (field.type === 'text' || !hasMarkup(field.value)) return fold(field.value.length > LINE_MAX_CHARS ? field.value.slice(0, LINE_MAX_CHARS) : field.value);
  const { blocks } = htmlText(field.value, { maxChars: LINE_MAX_CHARS, ...(budget ? { budget } : {}) });
  return blocks.map((b) => b.text).join(' ');
}
