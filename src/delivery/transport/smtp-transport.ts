// The SMTP transport: a pool of our own sessions to the relay (smtp-pool.ts) for finished
// bytes; messages that are not finished yet, and every message when DKIM signs, are
// composed first (compose.ts). The pool never resends on its own once a message is out:
// the ledger decides (AmbiguousDeliveryError). Every failure leaves here classified.
import { createComposer, type DkimKey } from './compose.js';
import { AmbiguousDeliveryError, PermanentDeliveryError, RelayThrottlingError, RelayUnavailableError, TransientDeliveryError, type DeliveryFailure } from './failures.js';
import { isFinished, type MailTransport } from './mail-transport.js';
import { createSmtpPool } from './smtp-pool.js';

/**
 * nodemailer's words for a server that closed an established session mid-transaction
 * (code ECONNECTION). A close before the greeting reads differently ("…after connection
 * was closed" from the pool) and is a plain relay outage: nothing was sent.
 */
const CLOSED_IN_FLIGHT = /^Connection closed unexpectedly/;

interface NodemailerError {
  message?: string;
  /** smtp-pool.ts: the end-of-data dot was written before the session was lost. */
  messageSent?: boolean;
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED', 'ECONNRESET']);

/** Commands of the session's start: a 421 there is the relay refusing everybody, not this message. */
const SESSION_START = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN']);
const THROTTLE_TEXT = /too many|rate limit|throttl|slow down|try again later|temporarily deferred/i;

/** What an SMTP error (the pool's, in nodemailer's shape) means for this send. */
export function classifySmtpError(error: unknown): DeliveryFailure {
  const err = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as NodemailerError;
  const text = (err.response ?? err.message ?? 'SMTP error').slice(0, 300);
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  // 421 at the start of a session: the relay refuses everybody. To a message: it sheds load.
  if (code === 421) return err.command !== undefined && !SESSION_START.has(err.command) ? new RelayThrottlingError(text, code) : new RelayUnavailableError(text, code);
  if (code === 451 || (code !== null && code >= 400 && code < 500 && THROTTLE_TEXT.test(text))) return new RelayThrottlingError(text, code);
  // 503 is a session-state problem, not a refusal of the message (nodemailer agrees).
  if (code !== null && code >= 500 && code < 600 && code !== 503) {
    const atRecipient = err.command === 'RCPT TO' || (err.code === 'EENVELOPE' && err.command !== 'MAIL FROM');
    return new PermanentDeliveryError(text, code, atRecipient);
  }
  if (code !== null) return new TransientDeliveryError(text, code);
  if (err.messageSent === true || (err.code === 'ECONNECTION' && CLOSED_IN_FLIGHT.test(err.message ?? ''))) return new AmbiguousDeliveryError(text);
  if (err.code && CONNECTION_CODES.has(err.code) && (err.command === 'CONN' || err.command === undefined)) {
    return new RelayUnavailableError(text, null);
  }
  return new TransientDeliveryError(text, null);
}

export function createSmtpTransport(options: { url: string; poolSize: number; dkim?: DkimKey | undefined }): MailTransport {
  const pool = createSmtpPool({
    url: options.url,
    poolSize: options.poolSize,
    maxMessages: 500,
    // Tests and local relays speak plain SMTP; real relays negotiate STARTTLS when offered.
    ignoreTLS: /^smtp:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(options.url),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  const composer = createComposer(options.dkim);
  return {
    async send(mail) {
      let bytes: Buffer | readonly Buffer[];
      let envelope: { from: string; to: string[] };
      let messageId = '';
      try {
        if (isFinished(mail) && !composer.signs) {
          bytes = typeof mail.raw === 'string' ? Buffer.from(mail.raw, 'utf8') : mail.raw;
          envelope = mail.envelope;
        } else {
          const built = await composer.compose(mail);
          ({ bytes, envelope, messageId } = built);
        }
      } catch (err) {
        throw new TransientDeliveryError(`could not compose the message: ${(err as Error).message}`, null);
      }
      let info;
      try {
        info = await pool.send(envelope, bytes);
      } catch (err) {
        throw classifySmtpError(err);
      }
      if (info.rejected.length > 0) throw new PermanentDeliveryError(info.response || 'recipient rejected', 550, true);
      return { messageId, response: info.response };
    },
    close: () => {
      pool.close();
      composer.close();
    },
  };
}
