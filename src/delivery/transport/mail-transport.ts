// The mail transport, as the code that sends mail needs it (digest sends, system mail).
// A provider is one file behind `createMailTransport` (create.ts): it takes finished
// bytes or a message to compose, and throws only the failure classes of failures.ts.

/**
 * A message already written as RFC 5322 bytes (the digest's per-reader message), with its
 * envelope; in pieces, it goes to the relay without being joined (the pieces in order are the message).
 */
export interface FinishedMail {
  raw: Buffer | string | readonly Buffer[];
  envelope: { from: string; to: string[] };
}

/** A finished message's bytes in one Buffer (for whoever needs them joined: DKIM signing, the outbox, tests). */
export function joinedRaw(raw: FinishedMail['raw']): Buffer {
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  return Buffer.isBuffer(raw) ? raw : Buffer.concat(raw as Buffer[]);
}

/** A message for the transport to compose (and DKIM-sign when configured). */
export interface MailToCompose {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId?: string;
  headers?: Record<string, string>;
  /** RFC 2369/2919 list headers, as nodemailer's `list` option. */
  list?: { id?: { url: string; comment?: string }; unsubscribe?: string[][] };
}

export type OutgoingMail = FinishedMail | MailToCompose;

export const isFinished = (mail: OutgoingMail): mail is FinishedMail => 'raw' in mail;

export interface SentInfo {
  messageId: string;
  response: string;
}

export interface MailTransport {
  /** Resolves once the provider has accepted the message; throws a DeliveryFailure otherwise. */
  send(mail: OutgoingMail): Promise<SentInfo>;
  close(): void;
}
