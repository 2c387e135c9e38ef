// What an SMTP failure means for one send. The decision is made here, once, from
// the reply code and nodemailer's error code; send.ts only acts on the class.
export class PermanentSmtpError extends Error {
  override name = 'PermanentSmtpError';
  constructor(
    message: string,
    readonly responseCode: number,
    /** True when the relay refused the recipient (a hard bounce): the address is suppressed. */
    readonly recipientRejected: boolean,
  ) {
    super(message);
  }
}

/** 4xx for this message, a timeout or a dropped connection mid-message: retry with backoff. */
export class TransientSmtpError extends Error {
  override name = 'TransientSmtpError';
  constructor(
    message: string,
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

/** The relay itself is unavailable (refused, 421, unreachable): pause the whole send queue. */
export class RelayUnavailableError extends Error {
  override name = 'RelayUnavailableError';
  constructor(
    message: string,
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

/**
 * The connection closed with this message in flight: the relay may have accepted it and
 * its reply was lost. Sending again could deliver twice, so the send ends `unknown`.
 */
export class AmbiguousDeliveryError extends Error {
  override name = 'AmbiguousDeliveryError';
}

export type SmtpFailure = PermanentSmtpError | TransientSmtpError | RelayUnavailableError | AmbiguousDeliveryError;

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

export function classifySmtpError(error: unknown): SmtpFailure {
  const err = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as NodemailerError;
  const text = (err.response ?? err.message ?? 'SMTP error').slice(0, 300);
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  // 421 is "service not available, closing channel": about the relay, not this message.
  if (code === 421) return new RelayUnavailableError(text, code);
  // 503 is a session-state problem, not a refusal of the message (nodemailer agrees).
  if (code !== null && code >= 500 && code < 600 && code !== 503) {
    const atRecipient = err.command === 'RCPT TO' || (err.code === 'EENVELOPE' && err.command !== 'MAIL FROM');
    return new PermanentSmtpError(text, code, atRecipient);
  }
  if (code !== null) return new TransientSmtpError(text, code);
  if (err.messageSent === true || (err.code === 'ECONNECTION' && CLOSED_IN_FLIGHT.test(err.message ?? ''))) return new AmbiguousDeliveryError(text);
  if (err.code && CONNECTION_CODES.has(err.code) && (err.command === 'CONN' || err.command === undefined)) {
    return new RelayUnavailableError(text, null);
  }
  return new TransientSmtpError(text, null);
}
