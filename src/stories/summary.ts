// Clean paragraphs → a summary and, for untitled posts, a headline. Both end at a
// sentence boundary, or are cut at a word boundary and end in "…". A block
// boundary (paragraph, heading, list item) ends a sentence.
import type { Block } from './html-text.js';

export const SUMMARY_MAX = 300;
export const HEADLINE_MAX = 100;

interface Sentence {
  text: string;
  /** Last sentence of its block. */
  blockEnd: boolean;
  /** Possibly cut mid-sentence or mid-word (the tail of a teaser or cut text). */
  fragment: boolean;
}

const SENTENCE_END = /(?<=[.!?…]["”’»)\]]?)\s+(?=["“‘«(\[¿¡]?[\p{Lu}\p{N}])/u;
/** "U.S. Fed", "Mr. Powell", "Apple Inc. said": a period that does not end a sentence. */
const ABBREVIATION = /(?:^|\s)(?:\p{Lu}|\p{Lu}\.\p{Lu}|Mr|Mrs|Ms|Dr|Prof|St|Inc|Corp|Co|Ltd|Jr|Sr|Gov|Sen|Rep|Gen|Lt|Col|No|vs|approx|est)\.$/u;
const TERMINAL_MARKS = new Set('.!?…:;');
const CLOSERS = new Set('"”’»)]');

/** Ends in sentence punctuation, perhaps inside a closing quote or bracket. */
function endsSentence(s: string): boolean {
  const last = s[s.length - 1] ?? '';
  return TERMINAL_MARKS.has(last) || (CLOSERS.has(last) && TERMINAL_MARKS.has(s[s.length - 2] ?? ''));
}

function splitSentences(text: string): string[] {
  const pieces = text.split(SENTENCE_END);
  const out: string[] = [];
  for (const piece of pieces) {
    const prev = out[out.length - 1];
    if (prev !== undefined && ABBREVIATION.test(prev)) out[out.length - 1] = `${prev} ${piece}`;
    else out.push(piece);
  }
  return out;
}

/** Sentences of the first paragraphs, enough for `max` characters. */
function sentences(paragraphs: Block[], truncated: boolean, max: number): Sentence[] {
  const out: Sentence[] = [];
  let length = 0;
  for (const [i, p] of paragraphs.entries()) {
    const lastBlock = i === paragraphs.length - 1;
    // Only the first 2·max characters of a paragraph can matter for a summary of max.
    const cut = p.text.length > 2 * max;
    const parts = splitSentences(cut ? p.text.slice(0, 2 * max) : p.text);
    parts.forEach((text, j) => {
      const blockEnd = j === parts.length - 1;
      const unpunctuated = !endsSentence(text);
      const fragment = blockEnd && unpunctuated && (cut || (lastBlock && (truncated || parts.length > 1 || text.length >= 150)));
      out.push({ text, blockEnd, fragment });
    });
    length += p.text.length;
    if (length > max) break;
  }
  return out;
}

/** Cut at the last whole word that fits, never mid-word, and mark the cut. */
function cutAtWord(text: string, max: number, dropLastWord: boolean): string {
  let head = text.length > max - 1 ? text.slice(0, max) : text;
  const space = head.lastIndexOf(' ');
  if (text.length > max - 1 || dropLastWord) head = space > 0 ? head.slice(0, space) : head.slice(0, max - 1);
  return `${head.replace(/[\s,;:–—-]+$/, '')}…`;
}

/** A block that follows starts a new sentence, unless it carries on in lower case (a line wrapped with <br>). */
const STARTS_SENTENCE = /^["“‘«(\[¿¡]?[\p{Lu}\p{N}]/u;

function compose(list: Sentence[], max: number): string {
  let out = '';
  for (const [i, s] of list.entries()) {
    if (s.fragment) break;
    const following = list[i + 1];
    const text = s.blockEnd && following && !endsSentence(s.text) && STARTS_SENTENCE.test(following.text) ? `${s.text}.` : s.text;
    const next = out ? `${out} ${text}` : text;
    if (next.length > max) break;
    out = next;
  }
  return out;
}

/** First whole sentences within `max` characters; a too-long first sentence or a fragment is cut at a word with "…". */
export function summarise(paragraphs: Block[], opts: { max?: number; truncated?: boolean } = {}): string {
  const max = opts.max ?? SUMMARY_MAX;
  const list = sentences(paragraphs, opts.truncated ?? false, max);
  const out = compose(list, max);
  if (out || !list[0]) return out;
  return cutAtWord(list[0].text, max, list[0].fragment);
}

/** A headline for an untitled post: its first sentence, cut at a word with "…" past `max`. */
export function headline(paragraphs: Block[], opts: { max?: number; truncated?: boolean } = {}): string {
  const max = opts.max ?? HEADLINE_MAX;
  const first = sentences(paragraphs, opts.truncated ?? false, max)[0];
  if (!first) return '';
  if (first.fragment || first.text.length > max) return cutAtWord(first.text, max, first.fragment);
  return first.text.replace(/[.:;]$/, '');
}
