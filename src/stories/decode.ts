// Bytes → string, decided by us: BOM, HTTP charset, XML declaration, strict UTF-8,
// then windows-1252. TextDecoder('windows-1252') is really latin1 on several Node
// releases (nodejs/node#56542), so single-byte charsets go through iconv-lite.
import iconv from 'iconv-lite';

export type DecodedBy = 'bom' | 'http' | 'xml' | 'utf-8' | 'fallback';

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

export function decodeBody(bytes: Uint8Array, contentType?: string): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), charset: 'utf-8', by: 'bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16le'), charset: 'utf-16le', by: 'bom' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16be'), charset: 'utf-16be', by: 'bom' };

  // A declared charset that does not decode (e.g. "utf-8" on cp1252 bytes) falls through.
  const http = charsetFromContentType(contentType);
  if (http) {
    const text = decodeWith(bytes, http);
    if (text !== undefined) return { text, charset: http, by: 'http' };
  }
  const xml = charsetFromXmlDecl(bytes);
  if (xml && xml !== http) {
    const text = decodeWith(bytes, xml);
    if (text !== undefined) return { text, charset: xml, by: 'xml' };
  }
  const utf8 = strictUtf8(bytes);
  if (utf8 !== undefined) return { text: utf8, charset: 'utf-8', by: 'utf-8' };
  return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), charset: 'windows-1252', by: 'fallback' };
}
