// One mail transport per process: a pool of SMTP sessions to the relay (SMTP_URL,
// smtp-pool.ts), or, when no relay is configured, .eml files in OUTBOX_DIR so
// development needs nothing else. nodemailer writes (and DKIM-signs) every message
// that does not arrive as finished bytes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { createSmtpPool } from './smtp-pool.js';

export interface MailerOptions {
  smtpUrl?: string | undefined;
  outboxDir: string;
  poolSize?: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

export interface SentInfo {
  messageId: string;
  response: string;
  accepted: string[];
  rejected: string[];
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: SendMailOptions): Promise<SentInfo>;
  /** True when the relay answers (always true for the outbox). */
  verify(): Promise<boolean>;
  close(): void;
}

/** What nodemailer's stream transport returns with `buffer: true`. */
interface Composed {
  messageId: string;
  message: Buffer;
  envelope: { from: string | false; to: string[] };
}

const addresses = (list: unknown): string[] =>
  Array.isArray(list) ? list.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address))) : [];

export function createMailer(options: MailerOptions): Mailer {
  const dkim = options.dkim
    ? {
        ...options.dkim,
        // Feedback-ID and List-Unsubscribe-Post must be covered by the signature (RFC 8058, Gmail FBL).
        headerFieldNames:
          'from:sender:reply-to:subject:date:message-id:to:cc:mime-version:content-type:content-transfer-encoding:' +
          'list-id:list-unsubscribe:list-unsubscribe-post:feedback-id:auto-submitted',
      }
    : undefined;

  if (options.smtpUrl) {
    const pool = createSmtpPool({
      url: options.smtpUrl,
      poolSize: options.poolSize ?? 5,
      maxMessages: 500,
      // Tests and local relays speak plain SMTP; real relays negotiate STARTTLS when offered.
      ignoreTLS: /^smtp:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(options.smtpUrl),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    // Messages that are not finished bytes yet (system mail, the fallback for addresses the
    // raw writer cannot write), and every message when DKIM signs, are written by nodemailer
    // first; the pool sends bytes only. The pool never resends on its own once the message
    // is out: the ledger decides (failures.ts: ambiguous).
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) });
    return {
      kind: 'smtp',
      async send(message) {
        let bytes: Buffer;
        let envelope: { from: string; to: string[] };
        let messageId: string;
        const raw = message.raw;
        if (!dkim && (Buffer.isBuffer(raw) || typeof raw === 'string') && message.envelope) {
          bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
          envelope = { from: String(message.envelope.from ?? ''), to: addresses([message.envelope.to].flat()) };
          messageId = '';
        } else {
          const built = (await composer.sendMail(message)) as unknown as Composed;
          bytes = built.message;
          envelope = { from: built.envelope.from || '', to: built.envelope.to };
          messageId = built.messageId;
        }
        const info = await pool.send(envelope, bytes);
        return { messageId, response: info.response, accepted: info.accepted, rejected: info.rejected };
      },
      verify: () => pool.verify(),
      close: () => pool.close(),
    };
  }

  const dir = resolve(options.outboxDir);
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    ...(dkim ? { dkim } : {}),
  });
  return {
    kind: 'outbox',
    async send(message) {
      const info = (await transport.sendMail(message)) as unknown as Composed;
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9.@-]/g, '')}.eml`;
      await writeFile(join(dir, name), info.message);
      return { messageId: info.messageId, response: `250 written to ${name}`, accepted: info.envelope.to, rejected: [] };
    },
    async verify() {
      return true;
    },
    close: () => transport.close(),
  };
}
