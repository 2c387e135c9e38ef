// A finished message as SMTP DATA (RFC 5321 4.5.2): CRLF line breaks, dot-stuffed,
// ended by CRLF.CRLF. nodemailer does this with a byte-by-byte stream transform;
// here line breaks are found with Buffer.indexOf, which is what made it cheap. A message
// in pieces (a variant's fixed parts and a reader's values) is not copied at all when
// its pieces need nothing inside: the fixed parts are checked once per process.
const CRLF = Buffer.from('\r\n');
export const END_OF_DATA = Buffer.from('.\r\n');
const DOT = Buffer.from('.');
const CR = Buffer.from('\r');
const LF = Buffer.from('\n');

/** Inserts LF after every CR that lacks one (a lone CR must not make "\r.\r" end the data early). */
function fixBareCr(message: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let from = 0;
  for (let cr = message.indexOf(0x0d); cr !== -1; cr = message.indexOf(0x0d, cr + 1)) {
    if (message[cr + 1] === 0x0a) continue;
    pieces.push(message.subarray(from, cr + 1), LF);
    from = cr + 1;
  }
  return pieces.length ? Buffer.concat([...pieces, message.subarray(from)]) : message;
}

/**
 * The message as SMTP DATA: bare CR or LF become CRLF, a dot starting a line is doubled,
 * and it ends with CRLF.CRLF. Line breaks are found with indexOf (native), so a clean
 * message of a few hundred lines costs a few hundred lookups and one copy.
 */
export function toSmtpData(input: Buffer): Buffer {
  const message = fixBareCr(input);
  const pieces: Buffer[] = [];
  let from = 0;
  if (message[0] === 0x2e) pieces.push(DOT);
  for (let lf = message.indexOf(0x0a); lf !== -1; lf = message.indexOf(0x0a, lf + 1)) {
    if (lf === 0 || message[lf - 1] !== 0x0d) {
      pieces.push(message.subarray(from, lf), CR);
      from = lf;
    }
    if (message[lf + 1] === 0x2e) {
      pieces.push(message.subarray(from, lf + 1), DOT);
      from = lf + 1;
    }
  }
  pieces.push(message.subarray(from));
  if (message.length > 0 && message[message.length - 1] !== 0x0a) pieces.push(CRLF);
  pieces.push(END_OF_DATA);
  return Buffer.concat(pieces);
}


/** Pieces of at least this size remember whether they are clean (a variant's fixed parts). */
const REMEMBER = 256;
const clean = new WeakMap<Buffer, boolean>();

/**
 * True when nothing inside `b` needs changing whatever surrounds it: every CR is followed by
 * LF and every LF preceded by CR within `b`, and no line break in it is followed by a dot.
 * (A dot as its first byte depends on the piece before: checked per message.)
 */
function cleanInside(b: Buffer): boolean {
  let c = clean.get(b);
  if (c !== undefined) return c;
  c = true;
  for (let cr = b.indexOf(0x0d); c && cr !== -1; cr = b.indexOf(0x0d, cr + 1)) c = b[cr + 1] === 0x0a;
  for (let lf = b.indexOf(0x0a); c && lf !== -1; lf = b.indexOf(0x0a, lf + 1)) c = lf > 0 && b[lf - 1] === 0x0d && b[lf + 1] !== 0x2e;
  if (b.length >= REMEMBER) clean.set(b, c);
  return c;
}

/**
 * toSmtpData for a message in pieces, as pieces to write together: when every piece is clean
 * inside, nothing is copied (a dot that starts a line at a piece's start gets its own piece);
 * otherwise the joined message goes through toSmtpData.
 */
export function toSmtpPieces(pieces: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let lineStart = true;
  let last: Buffer | undefined;
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    // (A clean piece neither begins with LF nor ends with CR: no bare break across pieces either.)
    if (!cleanInside(piece)) return [toSmtpData(Buffer.concat(pieces as Buffer[]))];
    if (lineStart && piece[0] === 0x2e) out.push(DOT);
    out.push(piece);
    lineStart = piece[piece.length - 1] === 0x0a;
    last = piece;
  }
  if (last !== undefined && !lineStart) out.push(CRLF);
  out.push(END_OF_DATA);
  return out;
}
