// Quoted-printable (RFC 2045 §6.7) for message bodies, in one pass over a string (the
// reasons and figures are in BENCHMARKS.md): printable ASCII is copied, everything else
// becomes =XX of its UTF-8 bytes, and lines are soft-broken so none exceeds 76
// characters. Line breaks become CRLF.
const HEX = Array.from({ length: 256 }, (_, i) => `=${i.toString(16).toUpperCase().padStart(2, '0')}`);
const MAX = 75; // characters before the soft break's '=' (76 with it)

function utf8Escapes(code: number): string {
  if (code < 0x80) return HEX[code]!;
  if (code < 0x800) return HEX[0xc0 | (code >> 6)]! + HEX[0x80 | (code & 63)]!;
  if (code < 0x10000) return HEX[0xe0 | (code >> 12)]! + HEX[0x80 | ((code >> 6) & 63)]! + HEX[0x80 | (code & 63)]!;
  return HEX[0xf0 | (code >> 18)]! + HEX[0x80 | ((code >> 12) & 63)]! + HEX[0x80 | ((code >> 6) & 63)]! + HEX[0x80 | (code & 63)]!;
}

/** Encode `input` (any Unicode; charset UTF-8) as quoted-printable with CRLF line breaks. */
export function qpEncode(input: string): string {
  let out = '';
  let col = 0;
  // Start of the run of characters that are copied verbatim (not yet appended).
  let run = 0;
  const n = input.length;
  const flush = (end: number) => {
    // Copy input[run, end) verbatim, soft-breaking at MAX columns.
    while (end - run > MAX - col) {
      const take = MAX - col;
      out += `${input.slice(run, run + take)}=\r\n`;
      run += take;
      col = 0;
    }
    out += input.slice(run, end);
    col += end - run;
  };
  const put = (token: string) => {
    if (col + token.length > MAX) {
      out += '=\r\n';
      col = 0;
    }
    out += token;
    col += token.length;
  };
  for (let i = 0; i < n; i += 1) {
    const c = input.charCodeAt(i);
    if (c >= 33 && c <= 126 && c !== 61) continue; // printable, not '='
    if (c === 10 || (c === 13 && input.charCodeAt(i + 1) === 10)) {
      flush(i);
      out += '\r\n';
      col = 0;
      if (c === 13) i += 1;
      run = i + 1;
      continue;
    }
    if (c === 32 || c === 9) {
      // Whitespace is literal unless it ends a line (transports may strip it there).
      const next = input.charCodeAt(i + 1);
      if (i + 1 < n && next !== 10 && next !== 13) continue;
    }
    flush(i);
    let code = c;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const low = input.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i += 1;
      }
    }
    // A lone surrogate has no UTF-8 form: U+FFFD, as TextEncoder does.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    // Keep a multi-byte character's escapes on one line (decoders join them anyway).
    put(utf8Escapes(code));
    run = i + 1;
  }
  flush(n);
  return out;
}
