// What is not content, as data: lines a reader never wants in a summary, tails
// that publishers append to paragraphs, and the markers of a teaser.

/** A paragraph that starts with one of these is boilerplate ("Read more: …", "12 comments"). */
const LINE_STARTS = [
  'read more', 'read next', 'related', 'related articles?', 'see also', 'also read', 'more from', 'more:',
  'subscribe', 'sign up', 'share this', 'share on', 'share:', 'notify of', '\\d+ comments?', 'no comments',
  'inline feedbacks', 'view all comments', 'leave a (comment|reply)', 'advertisement', 'sponsored',
  'continue reading', 'click here', 'follow us', 'download our app', 'listen to this article',
  'photo:', 'image:', 'credit:', 'photograph:', 'video:', 'watch:', 'recommended', 'filed under',
  'view entire post', 'read more here', 'download (the )?(podcast|episode|mp3)', 'listen (now|here)\\b',
];

/** A paragraph that is exactly one of these (ignoring arrows and symbols around it) is boilerplate. */
const WHOLE_LINES = [
  'comments?', 'permalink', 'link', 'source', 'via', 'download', 'podcast', 'download podcast', 'play', 'listen',
  'more', 'full story', 'full article', 'read the full (story|article|post)', 'view (the )?(full|entire) post',
  'discuss', 'discuss on hacker news', 'share', 'tweet', 'reply', 'top',
];

/** Tails appended to a paragraph, each with a cheap test that must pass before its regex runs. */
const TAILS: [needle: (p: string) => boolean, RegExp][] = [
  [(p) => p.includes(' appeared first on '), /\s*The post .{1,300}? appeared first on .{1,200}?(\.|$)/gi],
  [(p) => /read|view|download|continue/i.test(p.slice(-40)), /\s*(Continue reading|Read more( here)?|Read the full (story|article|post)|View (the )?entire post|Download podcast)\s*(…|\.\.\.|→|»|›|\.)?\s*$/gi],
  [(p) => p.includes('('), /\s*\((photo|image|picture|credit)s?:?[^)]{0,120}\)/gi],
];

/** Teaser markers, longest first: the text before them is cut mid-sentence by the publisher. */
const TEASER_MARKERS = ['[&hellip;]', '[...]', '[…]', '...', '…'];

const WHOLE_LINE_MAX = 60;
const SYMBOLS = /^[\s\p{S}\p{P}]+|[\s\p{S}\p{P}]+$/gu;
const LINE_START = new RegExp(`^(${LINE_STARTS.join('|')})(\\b|\\s|$)`, 'i');
const WHOLE_LINE = new RegExp(`^(${WHOLE_LINES.join('|')})$`, 'i');

/** A paragraph of nothing but hashtags and mentions (micro-blogs). */
const TAGS_ONLY = /^([#@][\p{L}\p{N}_.@-]+[\s,]*)+$/u;

export function isBoilerplateLine(p: string): boolean {
  return LINE_START.test(p) || TAGS_ONLY.test(p) || (p.length <= WHOLE_LINE_MAX && WHOLE_LINE.test(p.replace(SYMBOLS, '')));
}

export function stripInlineNoise(p: string): string {
  let out = p;
  for (const [needle, re] of TAILS) if (needle(out)) out = out.replace(re, '').trim();
  return out;
}

/** The text without a trailing teaser marker, and whether there was one. */
export function stripTeaserMarker(p: string): { text: string; marked: boolean } {
  const trimmed = p.trimEnd();
  const marker = TEASER_MARKERS.find((m) => trimmed.endsWith(m));
  return marker ? { text: trimmed.slice(0, -marker.length).trimEnd(), marked: true } : { text: p, marked: false };
}
