// The fast raw writer must say what nodemailer would: same headers, same bodies.
import { describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { buildMessage, listHeaders, type ReaderMessage } from '../../src/delivery/mime.js';
import { buildRawMessage, canWriteRaw } from '../../src/delivery/raw-message.js';
import { qpEncode } from '../../src/delivery/qp.js';

const edition = listHeaders({ mailDomain: 'news.example.com', listId: '', listName: 'Market Digest', feedbackSender: 'mddigest', editionId: 'now20261124T071533', mode: 'now' });

function reader(overrides: Partial<ReaderMessage> = {}, content: Partial<ReaderMessage['content']> = {}): ReaderMessage {
  return {
    from: 'Market Digest <digest@news.example.com>',
    to: 'ann@example.com',
    subscriberId: '000000000042',
    editionId: 'now20261124T071533',
    unsubscribeUrl: 'https://news.example.com/unsubscribe/AbC_-123.xyz',
    content: {
      subject: 'Markets & World — 24 Nov: Central bank holds “rates” steady',
      text: 'Hello Zoë,\n\nTop story — rates = steady  \n\tindented\nUnsubscribe: https://news.example.com/unsubscribe/AbC_-123.xyz\n',
      html: `<p style="margin:0">Hello Zo&#235;,</p>\n<a href="https://example.com/?a=1&amp;b=2">x</a>${'<td>cell</td>'.repeat(120)}\n`,
      ...content,
    },
    ...overrides,
  };
}

async function parseRaw(m: ReaderMessage): Promise<ParsedMail> {
  const opts = buildRawMessage(edition, m);
  expect(opts.raw).toBeTypeOf('string');
  return simpleParser(opts.raw as string);
}

const header = (p: ParsedMail, key: string) => (p.headerLines.find((l) => l.key === key)?.line ?? '').replace(/^[^:]+:\s*/, '').replace(/\r\n\s+/g, ' ');

describe('raw message', () => {
  it('has the headers and bodies nodemailer would write', async () => {
    const m = reader();
    const ours = await parseRaw(m);
    const built = (await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail(buildMessage(edition, m))) as unknown as { message: Buffer };
    const theirs = await simpleParser(built.message);
    expect(ours.subject).toBe(m.content.subject);
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

  it('keeps every line within the limits and uses quoted-printable for long HTML lines', async () => {
    const m = reader({}, { html: `<p>${'x'.repeat(3000)}=</p>` });
    const raw = buildRawMessage(edition, m).raw as string;
    expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable/);
    expect((await simpleParser(raw)).html).toBe(m.content.html);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[^\x20-\x7e\t]/);
  });

  it('falls back to nodemailer for addresses and links it cannot write safely', () => {
    for (const m of [reader({ to: 'zoë@example.com' }), reader({ unsubscribeUrl: 'https://x.example/u/a b' })]) {
      expect(canWriteRaw(m)).toBe(false);
      const opts = buildRawMessage(edition, m);
      expect(opts.raw).toBeUndefined();
      expect(opts.html).toBe(m.content.html);
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
    const { personalise, personaliseParts } = await import('../../src/editions/personalise.js');
    const { MARKET, SETTINGS, SLOT, clusters } = await import('../editions/fixtures.js');
    const variant = await renderVariant({ id: 'e20261124T0700', slot: SLOT, token: 'b3nchb3nch00', clusters: clusters(4), market: MARKET }, 'markets+world', SETTINGS);
    const { buildRawFromParts } = await import('../../src/delivery/raw-message.js');
    const long = `https://news.example.com/unsubscribe/${'t'.repeat(700)}`;
    for (const [name, unsubscribeUrl] of [['Zoë <b>&</b> “Q”', 'https://news.example.com/unsubscribe/tok-1'], ['', long]] as const) {
      const fields = { name, unsubscribeUrl, preferencesUrl: 'https://news.example.com/preferences/p?a=1&b=2', browserUrl: 'https://news.example.com/archive/e1?v=markets%2Bworld' };
      const want = personalise(variant, fields);
      const raw = buildRawFromParts(edition, { from: 'Market Digest <digest@news.example.com>', to: 'ann@example.com', subscriberId: '000000000042', editionId: 'e1', unsubscribeUrl }, personaliseParts(variant, fields)).raw as Buffer;
      const text = raw.toString('latin1');
      expect(text.split('\r\n\r\n').slice(1).join('\r\n\r\n').split('\r\n').every((l) => l.length <= 998)).toBe(true);
      expect(text).toContain(unsubscribeUrl === long ? 'Content-Transfer-Encoding: quoted-printable\r\n\r\n<!' : 'Content-Transfer-Encoding: 7bit');
      const parsed = await simpleParser(raw);
      expect(parsed.text).toBe(want.text);
      expect(parsed.html).toBe(want.html);
      expect(parsed.subject).toBe(want.subject);
    }
  });
});
