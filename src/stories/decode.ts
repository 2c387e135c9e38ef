// Bytes → string, decided by us: BOM (UTF-8/16/32), NULs around the first character
// (UTF-16/32 without a BOM, XML appendix F), HTTP charset, XML declaration, strict UTF-8,
// then windows-1252. TextDecoder('windows-1252') is really latin1 on several Node
// releases (nodejs/node#56542), so single-byte charsets go through iconv-lite.
import iconv from 'iconv-lite';

export type DecodedBy = 'bom' | 'bytes' | 'http' | 'xml' | 'utf-8' | 'fallback';

/** Charsets only a BOM or the NUL pattern can announce: a label saying so on 8-bit bytes is wrong. */
const WIDE = new Set(['utf-16', 'utf-16le', 'utf-16be', 'utf-32', 'utf-32le', 'utf-32be']);

export interface Decoded {
  text: string;
  charset: string;
  by: DecodedBy;
}

/** WHATWG: iso-8859-1 and us-ascii labels mean windows-1252. */
function normaliseCharset(label: string): string {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp1252', 'windows-1252', 'x-cp1252'].includes(l)) {
    return 'windows-1252';
  }
  if (l === 'utf8') return 'utf-8';
  return l;
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m ? normaliseCharset(m[1]!) : undefined;
}

function charsetFromXmlDecl(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m ? normaliseCharset(m[1]!) : undefined;
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeWith(bytes: Uint8Array, charset: string): string | undefined {
  if (charset === 'utf-8') return strictUtf8(bytes);
  if (!iconv.encodingExists(charset)) return undefined;
  return iconv.decode(Buffer.from(bytes), charset);
}

/** BOMs, longest first (UTF-32LE's starts with UTF-16LE's). */
const BOMS: [number[], string][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'utf-32be'],
  [[0xff, 0xfe, 0x00, 0x00], 'utf-32le'],
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

function byBom(bytes: Uint8Array): { charset: string; skip: number } | undefined {
  const found = BOMS.find(([bom]) => bom.every((b, i) => bytes[i] === b));
  return found ? { charset: found[1], skip: found[0].length } : undefined;
}

/**
 * No BOM but NULs around the first ASCII character ("<" or "{"): UTF-16 or UTF-32,
 * and which byte order (XML 1.0 appendix F).
 */
function byNulPattern(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  const z = [0, 1, 2, 3].map((i) => bytes[i] === 0);
  if (z[0] && z[1] && z[2] && !z[3]) return 'utf-32be';
  if (!z[0] && z[1] && z[2] && z[3]) return 'utf-32le';
  if (z[0] && !z[1] && z[2] && !z[3]) return 'utf-16be';
  if (!z[0] && z[1] && !z[2] && z[3]) return 'utf-16le';
  return undefined;
}

export function decodeBody(bytes: Uint8Array, contentType?: string): Decoded {
  const bom = byBom(bytes);
  if (bom) return { text: iconv.decode(Buffer.from(bytes.subarray(bom.skip)), bom.charset), charset: bom.charset, by: 'bom' };
  const wide = byNulPattern(bytes);
  if (wide) return { text: iconv.decode(Buffer.from(bytes), wide), charset: wide, by: 'bytes' };

  // A declared charset that does not decode (e.g. "utf-8" on cp1252 bytes) falls through.
  const http = charsetFromContentType(contentType);
  if (http && !WIDE.has(http)) {
    const text = decodeWith(bytes, http);
    if (text !== undefined) return { text, charset: http, by: 'http' };
  }
  const xml = charsetFromXmlDecl(bytes);
  if (xml && xml !== http && !WIDE.has(xml)) {
    const text = decodeWith(bytes, xml);
    if (text !== undefined) return { text, charset: xml, by: 'xml' };
  }
  const utf8 = strictUtf8(bytes);
  if (utf8 !== undefined) return { text: utf8, charset: 'utf-8', by: 'utf-8' };
  return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), charset: 'windows-1252', by: 'fallback' };
}
