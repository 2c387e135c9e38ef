// One nodemailer transport per process: a pooled SMTP relay (SMTP_URL), or, when
// no relay is configured, .eml files in OUTBOX_DIR so development needs nothing else.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

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
    const transport: Transporter = nodemailer.createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: options.poolSize ?? 5,
      maxMessages: 500,
      // Never resend on our behalf: a connection that closed after the relay took the
      // message would deliver it twice. The ledger decides (smtp-errors.ts: ambiguous).
      maxRequeues: 0,
      // Tests and local relays speak plain SMTP; real relays negotiate STARTTLS when offered.
      ignoreTLS: /^smtp:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(options.smtpUrl),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
      ...(dkim ? { dkim } : {}),
    } as SMTPPool.Options);
    return {
      kind: 'smtp',
      async send(message) {
        const info = await transport.sendMail(message);
        return {
          messageId: info.messageId,
          response: String(info.response ?? ''),
          accepted: addresses(info.accepted),
          rejected: addresses(info.rejected),
        };
      },
      async verify() {
        try {
          return await transport.verify();
        } catch {
          return false;
        }
      },
      close: () => transport.close(),
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
      const info = (await transport.sendMail(message)) as unknown as { messageId: string; message: Buffer; envelope: { to: string[] } };
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
