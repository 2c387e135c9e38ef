// A finished message as SMTP DATA (RFC 5321 4.5.2): CRLF line breaks, dot-stuffed,
// ended by CRLF.CRLF. nodemailer does this with a byte-by-byte stream transform;
// here line breaks are found with Buffer.indexOf, which is what made it cheap.
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

