// The per-reader message as finished RFC 5322 bytes with an explicit envelope, for the
// transport to send as they are. Everything edition- or sender-wide (From, Subject
// encoding, list headers) is formatted once and cached; per reader only To, Message-ID,
// Date, List-Unsubscribe and the two bodies are written (why: BENCHMARKS.md). Addresses
// or links it cannot write safely become a message for the transport to compose (buildMessage).
import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { encodeWords, foldLines } from 'nodemailer/lib/mime-funcs/index.js';
import { literalHeaderText } from './header-text.js';
import { buildMessage, messageIdFor, unsubscribeMailto, type EditionHeaders, type ReaderMessage } from './mime.js';
import { qpEncode } from './qp.js';
import { htmlBody7bit, joinParts, textBody } from './mime-template.js';
import type { PersonalisedParts } from './ports.js';
import type { OutgoingMail } from './transport/mail-transport.js';

const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/;
const ASCII_ADDRESS = /^[\x21-\x7e]+@[A-Za-z0-9.-]+$/;
const HEADER_URL = /^[\x21-\x7e]+$/; // no spaces, controls or non-ASCII


const fromCache = new Map<string, { header: string; address: string }>();
const subjectCache = new Map<string, string>();
const phraseCache = new Map<string, string>();

function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    if (map.size >= 100) map.delete(map.keys().next().value!);
    map.set(key, v);
  }
  return v;
}

function fromHeader(from: string): { header: string; address: string } {
  return cached(fromCache, from, () => {
    const parsed = addressparser(from, { flatten: true })[0];
    const address = parsed && 'address' in parsed ? parsed.address : from;
    const name = parsed?.name ?? '';
    if (!name) return { header: address, address };
    const phrase = !/^[\x20-\x7e]*$/.test(name) ? encodeWords(name, 'Q', 52) : ATEXT_PHRASE.test(name) ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;
    return { header: `${phrase} <${address}>`, address };
  });
}

/** The List-Id comment as a phrase: quoted when ASCII, an encoded word otherwise. */
const listPhrase = (name: string) =>
  cached(phraseCache, name, () => (/^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWords(name, 'Q', 52)));

const subjectHeader = (subject: string) => cached(subjectCache, subject, () => foldLines(`Subject: ${encodeWords(literalHeaderText(subject), 'Q', 52)}`, 76));


/** True when the fast path can write this reader's message (else nodemailer composes it). */
export function canWriteRaw(m: Pick<ReaderMessage, 'to' | 'unsubscribeUrl'>): boolean {
  return ASCII_ADDRESS.test(m.to) && HEADER_URL.test(m.unsubscribeUrl);
}

type Envelope = Omit<ReaderMessage, 'content'>;

function head(edition: EditionHeaders, m: Envelope, subject: string, boundary: string, now: Date): string {
  return (
    `From: ${fromHeader(m.from).header}\r\n` +
    `To: ${m.to}\r\n` +
    `${subjectHeader(subject)}\r\n` +
    `Message-ID: ${messageIdFor(m.editionId, m.subscriberId, edition.mailDomain)}\r\n` +
    `Date: ${now.toUTCString().replace('GMT', '+0000')}\r\n` +
    'MIME-Version: 1.0\r\n' +
    `List-ID: ${listPhrase(edition.listName)} <${edition.listId}>\r\n` +
    // Both URIs on one header line (folded), as Gmail expects.
    `List-Unsubscribe: <${m.unsubscribeUrl}>,\r\n <${unsubscribeMailto(edition, m.unsubscribeUrl)}>\r\n` +
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n' +
    `Feedback-ID: ${edition.feedbackId}\r\n` +
    'Auto-Submitted: auto-generated\r\n' +
    `Content-Type: multipart/alternative; boundary="${boundary}"\r\n` +
    '\r\n'
  );
}

const partHead = (boundary: string, type: string, encoding: string) =>
  `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;

// A random prefix per process plus a counter: unique per message and as unguessable inside
// a body as a fresh random one, without a randomBytes call per message.
const BOUNDARY_PREFIX = `----=_md_${randomBytes(9).toString('hex')}_`;
let boundaryCount = 0;
const newBoundary = () => `${BOUNDARY_PREFIX}${(boundaryCount++).toString(36)}`;

/**
 * The reader's message from a variant's pieces, with the same headers buildMessage gives:
 * the bodies' fixed parts are encoded once per variant (mime-template.ts), so a reader
 * costs its headers and a few short values, in pieces that are written without joining them.
 */
export function buildRawFromParts(edition: EditionHeaders, m: Envelope, parts: PersonalisedParts, now = new Date()): OutgoingMail {
  const joined = () => ({ subject: parts.subject, text: joinParts(parts.text, parts.values.text), html: joinParts(parts.html, parts.values.html) });
  if (!canWriteRaw(m)) return buildMessage(edition, { ...m, content: joined() });
  const boundary = newBoundary();
  const html7 = htmlBody7bit(parts);
  const htmlPieces = html7 ?? [Buffer.from(qpEncode(joinParts(parts.html, parts.values.html)), 'latin1')];
  // In pieces: the variant's fixed parts are shared by every reader, never copied (smtp-data.ts).
  const raw = [
    Buffer.from(head(edition, m, parts.subject, boundary, now) + partHead(boundary, 'text/plain', 'quoted-printable'), 'latin1'),
    ...textBody(parts),
    Buffer.from(`\r\n${partHead(boundary, 'text/html', html7 ? '7bit' : 'quoted-printable')}`, 'latin1'),
    ...htmlPieces,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ];
  return { envelope: { from: fromHeader(m.from).address, to: [m.to] }, raw };
}
