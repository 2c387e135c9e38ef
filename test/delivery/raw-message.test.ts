// The fast raw writer must say what nodemailer would: same headers, same bodies.
// Every case takes the production path: a stored variant, personaliseParts, buildRawFromParts.
import { describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { buildMessage, listHeaders } from '../../src/delivery/mime.js';
import { buildRawFromParts, canWriteRaw } from '../../src/delivery/raw-message.js';
import { isFinished, joinedRaw } from '../../src/delivery/transport/mail-transport.js';
import type { EditionVariant } from '../../src/editions/model.js';
import { personalise, personaliseParts } from '../../src/editions/personalise.js';
import { qpEncode } from '../../src/delivery/qp.js';

const edition = listHeaders({ mailDomain: 'news.example.com', listId: '', listName: 'Market Digest', feedbackSender: 'mddigest', editionId: 'now20261124T071533', mode: 'now' });

const TOKEN = '0000000raw00';
const field = (name: string) => `%%${TOKEN}:${name}%%`;

/** A variant as the editions stage stores it: the reader's greeting and link left as placeholders. */
function variant(content: { subject?: string; text?: string; html?: string } = {}): EditionVariant {
  const html = content.html ?? `<p style="margin:0">${field('greeting')}</p>\n<a href="https://example.com/?a=1&amp;b=2">x</a>${'<td>cell</td>'.repeat(120)}\n`;
  return {
    editionId: 'now20261124T071533', key: 'markets+world', topics: ['markets', 'world'],
    subject: content.subject ?? 'Markets & World — 24 Nov: Central bank holds “rates” steady', preheader: '', html,
    text: content.text ?? `${field('greeting')}\n\nTop story — rates = steady  \n\tindented\nUnsubscribe: ${field('unsubscribe_url')}\n`,
    token: TOKEN, storyIds: [], archiveUrl: 'https://news.example.com/archive/now20261124T071533', htmlBytes: html.length, compileMs: 0,
  };
}

const envelope = (overrides: Partial<{ to: string; unsubscribeUrl: string }> = {}) => ({
  from: 'Market Digest <digest@news.example.com>',
  to: 'ann@example.com',
  subscriberId: '000000000042',
  editionId: 'now20261124T071533',
  unsubscribeUrl: 'https://news.example.com/unsubscribe/AbC_-123.xyz',
  ...overrides,
});

const fieldsFor = (e: ReturnType<typeof envelope>) => ({ name: 'Zoë', unsubscribeUrl: e.unsubscribeUrl, preferencesUrl: 'https://news.example.com/preferences/p' });

/** The production path: the variant's pieces (personaliseParts), written by the raw writer. */
function raw(v: EditionVariant, e = envelope()): string {
  const mail = buildRawFromParts(edition, e, personaliseParts(v, fieldsFor(e)));
  if (!isFinished(mail)) throw new Error('expected finished bytes');
  return joinedRaw(mail.raw).toString('latin1');
}

const header = (p: ParsedMail, key: string) => (p.headerLines.find((l) => l.key === key)?.line ?? '').replace(/^[^:]+:\s*/, '').replace(/\r\n\s+/g, ' ');

describe('raw message', () => {
  it('has the headers and bodies nodemailer would write', async () => {
    const v = variant();
    const e = envelope();
    const ours = await simpleParser(raw(v, e));
    const content = personalise(v, fieldsFor(e));
    const built = (await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail(buildMessage(edition, { ...e, content }) as SendMailOptions)) as unknown as { message: Buffer };
    const theirs = await simpleParser(built.message);
    expect(ours.subject).toBe(v.subject);
    expect(ours.subject).toBe(theirs.subject);
    expect(ours.from?.text).toBe(theirs.from?.text);
    expect(ours.messageId).toBe(theirs.messageId);
    expect(ours.text).toBe(theirs.text);
    expect(ours.html).toBe(theirs.html);
    for (const key of ['list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'feedback-id', 'auto-submitted', 'to']) {
      expect(header(ours, key).replace(/,\s*/g, ', ')).toBe(header(theirs, key).replace(/,\s*/g, ', '));
    }
    expect(header(ours, 'list-unsubscribe')).toMatch(/^<https:\/\/news\.example\.com\/unsubscribe\/AbC_-123\.xyz>, <mailto:unsubscribe@news\.example\.com\?subject=unsubscribe-AbC_-123\.xyz>$/);
  });

  it('shows header text from feeds literally: an encoded word in a headline is not decoded by the reader', async () => {
    const hidden = Buffer.from('Hi\r\nBcc: victim@example.com \u202Egpj.exe').toString('base64');
    const subject = `Markets — 24 Nov: Stocks rally =?utf-8?B?${hidden}?= again`;
    const v = variant({ subject });
    const e = envelope();
    const ours = await simpleParser(raw(v, e));
    const content = personalise(v, fieldsFor(e));
    const built = (await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail(buildMessage(edition, { ...e, content }) as SendMailOptions)) as unknown as { message: Buffer };
    const theirs = await simpleParser(built.message);
    expect(ours.subject).toBe(subject);
    expect(theirs.subject).toBe(subject);
    expect(ours.headers.get('bcc')).toBeUndefined();
    // Controls and bidi overrides that reach the header are dropped, line breaks folded.
    const noisy = await simpleParser(raw(variant({ subject: 'A\u202Eb\u0085c\u0007d\r\ne\u200Bf' })));
    expect(noisy.subject).toBe('Abcd ef');
  });

  it('keeps every line within the limits and uses quoted-printable for long HTML lines', async () => {
    const v = variant({ html: `<p>${'x'.repeat(3000)}=</p>` });
    const text = raw(v);
    expect(text.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    expect(text).toMatch(/Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable/);
    expect((await simpleParser(text)).html).toBe(v.html);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[^\x20-\x7e\t]/);
  });

  it('hands the transport a message to compose for addresses and links it cannot write safely', () => {
    for (const e of [envelope({ to: 'zoë@example.com' }), envelope({ unsubscribeUrl: 'https://x.example/u/a%20b c' })]) {
      expect(canWriteRaw(e)).toBe(false);
      const mail = buildRawFromParts(edition, e, personaliseParts(variant(), { ...fieldsFor(e), unsubscribeUrl: 'https://x.example/u/a' }));
      expect(isFinished(mail)).toBe(false);
      expect((mail as { html: string }).html).toContain('Hello Zo&#235;,');
    }
  });
});

describe('quoted-printable', () => {
  it('round-trips through a real decoder with lines of at most 76 characters', async () => {
    const samples = ['Hello wörld — “quotes” 😀 end ', 'a='.repeat(100), `${'x'.repeat(200)}\n${'y '.repeat(60)} \n\n.`, 'tab\tend\t\r\nline2 \r\n', ''];
    for (const s of samples) {
      const enc = qpEncode(s);
      expect(enc.split('\r\n').every((l) => l.length <= 76)).toBe(true);
      const parsed = await simpleParser(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${enc}`);
      expect(parsed.text ?? '').toBe(s.replace(/\r?\n/g, '\n'));
    }
  });

  it('writes a lone surrogate as U+FFFD', () => {
    expect(qpEncode('\ud800x')).toBe('=EF=BF=BDx');
  });
});

describe('raw message from a variant in pieces', () => {
  it('decodes to exactly what personalise gives, 7bit HTML or quoted-printable', async () => {
    const { renderVariant } = await import('../../src/editions/render.js');
    const { MARKET, SETTINGS, SLOT, clusters } = await import('../editions/fixtures.js');
    const rendered = await renderVariant({ id: 'e20261124T0700', slot: SLOT, token: 'b3nchb3nch00', clusters: clusters(4), market: MARKET }, 'markets+world', SETTINGS);
    const { buildRawFromParts } = await import('../../src/delivery/raw-message.js');
    const long = `https://news.example.com/unsubscribe/${'t'.repeat(700)}`;
    for (const [name, unsubscribeUrl] of [['Zoë <b>&</b> “Q”', 'https://news.example.com/unsubscribe/tok-1'], ['', long]] as const) {
      const fields = { name, unsubscribeUrl, preferencesUrl: 'https://news.example.com/preferences/p?a=1&b=2', browserUrl: 'https://news.example.com/archive/e1?v=markets%2Bworld' };
      const want = personalise(rendered, fields);
      const mail = buildRawFromParts(edition, { from: 'Market Digest <digest@news.example.com>', to: 'ann@example.com', subscriberId: '000000000042', editionId: 'e1', unsubscribeUrl }, personaliseParts(rendered, fields));
      const bytes = isFinished(mail) ? joinedRaw(mail.raw) : Buffer.alloc(0);
      const text = bytes.toString('latin1');
      expect(text.split('\r\n\r\n').slice(1).join('\r\n\r\n').split('\r\n').every((l) => l.length <= 998)).toBe(true);
      expect(text).toContain(unsubscribeUrl === long ? 'Content-Transfer-Encoding: quoted-printable\r\n\r\n<!' : 'Content-Transfer-Encoding: 7bit');
      const parsed = await simpleParser(bytes);
      expect(parsed.text).toBe(want.text);
      expect(parsed.html).toBe(want.html);
      expect(parsed.subject).toBe(want.subject);
    }
  });
});
