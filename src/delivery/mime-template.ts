// A variant's MIME bodies, encoded once: the fixed pieces between the per-reader
// placeholders become ready Buffers, so a reader costs the encoding of a few short
// values and one Buffer.concat. The text part is quoted-printable, each piece encoded
// on its own and ended with a soft line break (which decoders drop), so pieces join
// at column 0 whatever the values are. The HTML part is 7bit when the template is
// ASCII with short lines and the reader's values keep it so; otherwise the caller
// encodes the joined HTML instead (see raw-message.ts).
import type { PersonalisedParts, TemplateSplit } from './ports.js';
import { qpEncode } from './qp.js';

const SEVEN_BIT = /^[\x01-\x0c\x0e-\x7f]*$/;
const SEVEN_BIT_VALUE = /^[\x20-\x7e]*$/;
const SOFT_BREAK = '=\r\n';

interface EncodedSplit {
  parts: Buffer[];
  fields: readonly string[];
}

interface Html7bit extends EncodedSplit {
  /** Longest line with every placeholder removed; a reader's values may add this much more. */
  longestLine: number;
}

const text = new WeakMap<TemplateSplit, EncodedSplit>();
const html = new WeakMap<TemplateSplit, Html7bit | null>();

function longestLine(s: string): number {
  let max = 0;
  let from = 0;
  for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', from)) {
    max = Math.max(max, nl - from);
    from = nl + 1;
  }
  return Math.max(max, s.length - from);
}

/** QP of one piece, ending where the next piece can start at column 0. */
function qpPiece(s: string): string {
  if (s === '') return '';
  return qpEncode(s) + (s.endsWith('\n') ? '' : SOFT_BREAK);
}

function textTemplate(split: TemplateSplit): EncodedSplit {
  let t = text.get(split);
  if (!t) {
    t = { parts: split.parts.map((p) => Buffer.from(qpPiece(p), 'latin1')), fields: split.fields };
    text.set(split, t);
  }
  return t;
}

function htmlTemplate(split: TemplateSplit): Html7bit | null {
  let h = html.get(split);
  if (h === undefined) {
    const joined = split.parts.join('');
    h = SEVEN_BIT.test(joined)
      ? { parts: split.parts.map((p) => Buffer.from(p.replace(/\r?\n/g, '\r\n'), 'latin1')), fields: split.fields, longestLine: longestLine(joined) }
      : null;
    html.set(split, h);
  }
  return h;
}

function interleave(t: EncodedSplit, value: (field: string) => Buffer): Buffer[] {
  const out: Buffer[] = [t.parts[0]!];
  for (let i = 0; i < t.fields.length; i += 1) out.push(value(t.fields[i]!), t.parts[i + 1]!);
  return out;
}

/** The text/plain body, quoted-printable, as Buffers to concatenate. */
export function textBody(m: PersonalisedParts): Buffer[] {
  return interleave(textTemplate(m.text), (f) => Buffer.from(qpPiece(m.values.text[f] ?? ''), 'latin1'));
}

/** The text/html body as 7bit Buffers, or null when it must be encoded whole. */
export function htmlBody7bit(m: PersonalisedParts): Buffer[] | null {
  const t = htmlTemplate(m.html);
  if (!t) return null;
  let added = 0;
  for (const f of t.fields) {
    const v = m.values.html[f] ?? '';
    if (!SEVEN_BIT_VALUE.test(v)) return null;
    added += v.length;
  }
  // Conservative: as if every value sat on the longest line.
  if (t.longestLine + added > 998) return null;
  return interleave(t, (f) => Buffer.from(m.values.html[f] ?? '', 'latin1'));
}

/** The joined strings, for the slow path and for checks. */
export function joinParts(split: TemplateSplit, values: Readonly<Record<string, string>>): string {
  let out = split.parts[0]!;
  for (let i = 0; i < split.fields.length; i += 1) out += (values[split.fields[i]!] ?? '') + split.parts[i + 1]!;
  return out;
}
