// Delivery baselines, sent from this process to the same sink with the same message
// as the pipeline: (a) one pre-built MIME message sent raw (only the envelope
// recipient changes), (b) nodemailer composing each message from HTML and text,
// (c) an MJML compile per reader. Each returns messages per second. All three go
// through nodemailer's pooled SMTP transport, as the issue defines them; (a′) sends
// (a)'s bytes through the service's own pool instead, to show the transport's share.
import nodemailer from 'nodemailer';
import type { Config } from '../../src/config.js';
import type { SendMailOptions } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { createMailTransport } from '../../src/delivery/transport/create.js';
import type { OutgoingMail } from '../../src/delivery/transport/mail-transport.js';
import { buildMessage, listHeaders } from '../../src/delivery/mime.js';
import { createLinks } from '../../src/delivery/links.js';
import type { Edition, EditionVariant } from '../../src/editions/model.js';
import { personalise } from '../../src/editions/personalise.js';
import { renderVariant } from '../../src/editions/render.js';
import { editionSettings } from '../../src/processes/settings.js';
import { compileMjml } from '../../src/editions/compile.js';
import { createTokens } from '../../src/subscribers/tokens.js';
import { CHOICE_DEFAULTS, type Subscriber } from '../../src/subscribers/model.js';
import type { Sink } from './sink.js';
import { check } from './report.js';
import { subscriberId, variantKeyOf } from './seed.js';

/** Run fn(0..n-1) with at most `limit` in flight. */
export async function bounded(n: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

export interface BaselineRig {
  config: Config;
  sink: Sink;
  edition: Edition;
  /** The edition's variants by key; reader i gets TOPIC_MIX[i % 4] as in the seed. */
  variants: Map<string, EditionVariant>;
  concurrency: number;
}

interface Sender {
  send(message: SendMailOptions): Promise<unknown>;
  close(): void;
}

export interface BaselineResult {
  messages: number;
  ms: number;
  rate: number;
  avgBytes: number;
}

function readerLike(i: number, email: string): Subscriber {
  const at = new Date().toISOString();
  return {
    id: subscriberId(i), email, name: `Reader ${i}`, status: 'confirmed', topics: ['markets', 'world'], timezone: 'UTC', sendHour: 7,
    weekdaysOnly: false, ...CHOICE_DEFAULTS, consent: { at, ip: '127.0.0.1', userAgent: 'bench', source: 'import-confirmed' }, tokenVersion: 0,
    createdAt: at, updatedAt: at, confirmedAt: at, unsubscribedAt: null,
  };
}

export function baselines(rig: BaselineRig) {
  const { config, edition } = rig;
  const links = createLinks({ tokens: createTokens(config.SECRET_KEY), publicUrl: config.PUBLIC_URL });
  const headers = listHeaders({ mailDomain: config.mailDomain, listId: config.LIST_ID, listName: config.brand.name, feedbackSender: config.FEEDBACK_ID_SENDER, editionId: edition.id, mode: edition.mode });

  const variantOf = (i: number) => rig.variants.get(variantKeyOf(i))!;

  /** The reader's message exactly as the pipeline's inputs describe it (nodemailer options). */
  function messageFor(i: number, email: string, variant: EditionVariant) {
    const sub = readerLike(i, email);
    const unsubscribeUrl = links.unsubscribeUrl(sub);
    const content = personalise(variant, {
      name: sub.name, unsubscribeUrl, preferencesUrl: links.preferencesUrl(sub), browserUrl: links.browserUrl(edition.id, variant.key),
    });
    return buildMessage(headers, { from: config.MAIL_FROM, to: email, subscriberId: sub.id, editionId: edition.id, unsubscribeUrl, content });
  }

  /**
   * The transport the issue names for the baselines: nodemailer's own pooled SMTP transport,
   * set up as the service's mailer was before it got its own pool (same pool size, no requeue).
   */
  function nodemailerPool(): Sender {
    const transport = nodemailer.createTransport({
      url: rig.sink.url, pool: true, maxConnections: config.SMTP_POOL_SIZE, maxMessages: 500, maxRequeues: 0, ignoreTLS: true,
      ...(config.dkim ? { dkim: config.dkim } : {}),
    } as SMTPPool.Options);
    return { send: (m) => transport.sendMail(m), close: () => transport.close() };
  }

  /** The service's own mailer (src/delivery/transport: the SMTP pool). */
  function ownPool(): Sender {
    const transport = createMailTransport({ smtpUrl: rig.sink.url, outboxDir: '/tmp', poolSize: config.SMTP_POOL_SIZE, dkim: config.dkim });
    return { send: (m) => transport.send(m as OutgoingMail), close: () => transport.close() };
  }

  async function timed(tag: string, n: number, sender: () => Sender, send: (mailer: Sender, i: number, email: string) => Promise<unknown>): Promise<BaselineResult> {
    await rig.sink.reset();
    const mailer = sender();
    const t0 = performance.now();
    await bounded(n, rig.concurrency, (i) => send(mailer, i + 1, `${tag}${i + 1}@example.test`));
    const stats = await rig.sink.waitFor(n, 60_000);
    const ms = performance.now() - t0;
    mailer.close();
    check(stats.messages === n && stats.recipients === n && stats.duplicated === 0, `baseline ${tag}: sink got ${JSON.stringify(stats)} for ${n}`);
    return { messages: n, ms: Math.round(ms), rate: Math.round((n / ms) * 1000), avgBytes: Math.round(stats.bytes / n) };
  }

  /** Four pre-built messages (one per topic mix), written by nodemailer itself. */
  async function prebuilt(): Promise<Buffer[]> {
    // A stream transport keeps the list headers MailComposer alone would drop.
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const build = async (i: number) => ((await composer.sendMail(messageFor(i, `a${i}@example.test`, variantOf(i)))) as unknown as { message: Buffer }).message;
    return Promise.all([0, 1, 2, 3].map(build));
  }
  const envelopeFrom = config.MAIL_FROM.replace(/^.*<|>.*$/g, '');

  return {
    /** (a) Transport limit: one message built once, sent raw through nodemailer's pool; only the envelope changes. */
    async raw(n: number): Promise<BaselineResult> {
      const raws = await prebuilt();
      return timed('a', n, nodemailerPool, (mailer, i, to) => mailer.send({ envelope: { from: envelopeFrom, to: [to] }, raw: raws[i % 4]! }));
    },
    /** (a′) The same pre-built bytes through the service's own pool: the pipeline's transport alone. */
    async rawOwnPool(n: number): Promise<BaselineResult> {
      const raws = await prebuilt();
      return timed('o', n, ownPool, (mailer, i, to) => mailer.send({ envelope: { from: envelopeFrom, to: [to] }, raw: raws[i % 4]! }));
    },
    /**
     * (a′) into another relay (Postfix's smtp-sink, which counts nothing): timed until the relay
     * has answered 250 to every message.
     */
    async rawOwnPoolTo(url: string, n: number): Promise<BaselineResult> {
      const raws = await prebuilt();
      const mailer = createMailTransport({ smtpUrl: url, outboxDir: '/tmp', poolSize: config.SMTP_POOL_SIZE, dkim: config.dkim });
      const t0 = performance.now();
      await bounded(n, rig.concurrency, (i) => mailer.send({ envelope: { from: envelopeFrom, to: [`w${i + 1}@example.test`] }, raw: raws[i % 4]! } as OutgoingMail));
      const ms = performance.now() - t0;
      mailer.close();
      return { messages: n, ms: Math.round(ms), rate: Math.round((n / ms) * 1000), avgBytes: raws[0]!.length };
    },
    /** (b) Naive: nodemailer composes every message from the personalised HTML and text. */
    naive(n: number): Promise<BaselineResult> {
      return timed('b', n, nodemailerPool, (mailer, i, to) => mailer.send(messageFor(i, to, variantOf(i))));
    },
    /** (c) Naivest: the MJML is compiled again for every reader. */
    naivest(n: number): Promise<BaselineResult> {
      const source = { ...edition, slot: new Date(edition.slot) };
      const settings = editionSettings(config);
      return timed('c', n, nodemailerPool, async (mailer, i, to) => {
        const variant = await renderVariant(source, variantOf(i).key, settings, compileMjml);
        return mailer.send(messageFor(i, to, variant));
      });
    },
  };
}
