// HTML fragments from feeds → plain text paragraphs, boilerplate removed.
import { decodeHTML } from 'entities';
import { stripControls } from '../controls.js';

const DROP_ELEMENTS = /<(script|style|noscript|iframe|object|svg|form|button|figure|figcaption|aside|nav|footer|select|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BLOCK = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|section|article|header|tr|table|hr|dd|dt|pre)\b[^>]*\/?>/gi;
const BOILERPLATE_CLASS = /<(div|p|span|ul|section)\b[^>]*class\s*=\s*["'][^"']*\b(wp-caption|sharedaddy|share|social|jp-relatedposts|related|wpdiscuz|comments?|subscribe|newsletter|advert|ad-|credit|caption)[^"']*["'][^>]*>[\s\S]*?<\/\1\s*>/gi;

/** Lines a reader never wants in a summary. */
const BOILER_LINE = new RegExp(
  '^(' +
    [
      'read more', 'read next', 'related', 'related articles?', 'see also', 'also read', 'more from', 'more:',
      'subscribe', 'sign up', 'share this', 'share on', 'share:', 'notify of', '\\d+ comments?', 'no comments',
      'inline feedbacks', 'view all comments', 'leave a (comment|reply)', 'advertisement', 'sponsored',
      'continue reading', 'click here', 'follow us', 'download our app', 'listen to this article',
      'photo:', 'image:', 'credit:', 'photograph:', 'video:', 'watch:', 'recommended', 'filed under',
    ].join('|') +
    ')(\\b|\\s|$)',
  'i',
);

/** "Jack Guez/AFP/Getty Images", "Photo by X / Reuters", "REUTERS/Brendan McDermid". */
const AGENCY = /(getty images|afp|reuters|associated press|\bap\b|shutterstock|epa(-efe)?|bloomberg|anadolu|xinhua|pa images|pa media|alamy|nurphoto|sopa images|lightrocket)/i;
function isCreditLine(p: string): boolean {
  if (p.length > 120 || /[.!?]$/.test(p.replace(/\)$/, '')) && !/\/\s*\S+\)?\.?$/.test(p)) return false;
  if (/^\(?(photo|image|picture|photograph|credit|file photo)\b/i.test(p) && p.length < 160) return true;
  return AGENCY.test(p) && (p.includes('/') || /^(photo|image|credit)/i.test(p) || p.split(/\s+/).length <= 8);
}

const INLINE_NOISE: [RegExp, string][] = [
  [/\s*The post .{1,300}? appeared first on .{1,200}?(\.|$)/gi, ''],
  [/\s*\[(…|\.\.\.|&hellip;)\]\s*$/g, ''],
  [/\s*(Continue reading|Read more|Read the full (story|article))\s*(…|\.\.\.|→|»|\.)?\s*$/gi, ''],
  [/\s*\((photo|image|picture|credit)s?:?[^)]{0,120}\)/gi, ''],
];

/** Tags stripped, entities decoded, whitespace folded: for titles and names. */
export function plainText(html: string | null | undefined): string {
  if (!html) return '';
  const noTags = html.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<\/?[a-zA-Z][^>]*>/g, ' ');
  return fold(decodeHTML(decodeHTML(noTags).replace(/<\/?[a-zA-Z][^>]*>/g, ' ')));
}

function fold(s: string): string {
  return stripControls(s).replace(/[\s\u00a0\u200b\u2028\u2029]+/g, ' ').trim();
}

/** Meaningful paragraphs of an HTML fragment, in order. */
export function paragraphs(html: string | null | undefined): string[] {
  if (!html) return [];
  let s = html.replace(/<!\[CDATA\[|\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  // Feeds sometimes double-escape their HTML (&lt;p&gt;): decode once more when no real tags are left.
  if (!/<[a-zA-Z]/.test(s) && /&lt;[a-zA-Z]/.test(s)) s = decodeHTML(s);
  s = s.replace(DROP_ELEMENTS, '\n\n').replace(BOILERPLATE_CLASS, '\n\n').replace(BLOCK, '\n\n').replace(/<[^>]*>/g, '');
  const out: string[] = [];
  for (const chunk of decodeHTML(s).split(/\n\s*\n/)) {
    let p = fold(chunk);
    for (const [re, by] of INLINE_NOISE) p = p.replace(re, by).trim();
    if (!p || !/\p{L}/u.test(p) || BOILER_LINE.test(p) || isCreditLine(p)) continue;
    out.push(p);
  }
  return out;
}

const SENTENCE_END = /(?<=[.!?]["”’)]?)\s+(?=["“‘(]?[\p{Lu}\d])/u;

/** First meaningful sentences, at most `max` characters, cut at a word with "…" if one sentence is longer. */
export function summarise(paras: string[], max = 300): string {
  const sentences = paras.flatMap((p) => p.split(SENTENCE_END)).map((s) => s.trim()).filter(Boolean);
  let out = '';
  for (const s of sentences) {
    const next = out ? `${out} ${s}` : s;
    if (next.length > max) break;
    out = next;
  }
  if (!out && sentences[0]) {
    const cut = sentences[0].slice(0, max - 1);
    out = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).replace(/[\s,;:–-]+$/, '')}…`;
  }
  return out;
}
