// A small pool of SMTP sessions (smtp-session.ts) for finished messages: the digest's
// per-reader Buffers go to the relay as they are. The message is dot-stuffed with
// Buffer.indexOf (smtp-data.ts), MAIL/RCPT/DATA are pipelined when the relay offers
// PIPELINING, a waiting message's envelope follows the previous message's dot on the same
// session, and the bytes are written once (why not nodemailer's pool: BENCHMARKS.md).
import { hostname } from 'node:os';
import { parseUrl, Session, SmtpClientError, type SmtpEnvelope, type SmtpPoolOptions, type SmtpSendResult } from './smtp-session.js';

export { SmtpClientError, type SmtpEnvelope, type SmtpPoolOptions, type SmtpSendResult } from './smtp-session.js';
export { toSmtpData } from './smtp-data.js';

export interface SmtpPool {
  /** `message`: its bytes, or its pieces in order (written together, not joined). */
  send(envelope: SmtpEnvelope, message: Buffer | readonly Buffer[]): Promise<SmtpSendResult>;
  /** Opens a session (greeting, EHLO, TLS, AUTH) and quits: true when all of it worked. */
  verify(): Promise<boolean>;
  close(): void;
}

/**
 * Up to `poolSize` sessions, opened on demand and reused (most recently used first).
 * A session the relay closed while idle is dropped; a send that found its session
 * closed before any of the message went out is tried once more on a fresh one.
 */
export function createSmtpPool(options: SmtpPoolOptions): SmtpPool {
  const target = parseUrl(options.url);
  const settings = {
    poolSize: options.poolSize,
    maxMessages: options.maxMessages ?? 500,
    ignoreTLS: options.ignoreTLS ?? false,
    name: options.name ?? hostname(),
    connectionTimeout: options.connectionTimeout ?? 15_000,
    greetingTimeout: options.greetingTimeout ?? 15_000,
    socketTimeout: options.socketTimeout ?? 60_000,
    tls: options.tls,
  };
  const idle: Session[] = [];
  const waiters: { resolve: (s: Session) => void; reject: (e: Error) => void }[] = [];
  let open = 0;
  let closing = false;

  async function connect(): Promise<Session> {
    const session = new Session(settings, target);
    open++;
    session.onClose = () => {
      open--;
      const at = idle.indexOf(session);
      if (at !== -1) idle.splice(at, 1);
      startWaiting();
    };
    try {
      await session.open();
    } catch (error) {
      session.quit();
      throw error;
    }
    return session;
  }

  function startWaiting() {
    while (!closing && waiters.length > 0 && open < settings.poolSize) {
      const waiter = waiters.shift()!;
      connect().then(waiter.resolve, waiter.reject);
    }
  }

  function acquire(): Promise<Session> {
    if (closing) return Promise.reject(new SmtpClientError('The SMTP pool is closed', 'ECONNECTION', 'CONN'));
    const session = idle.pop();
    if (session) return Promise.resolve(session);
    if (open < settings.poolSize) return connect();
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** A session whose message is out (dot written, reply pending) goes to a waiting sender, if any. */
  function handOff(session: Session): boolean {
    if (closing || session.closed || !session.pipelining || session.messages + 1 >= settings.maxMessages) return false;
    const waiter = waiters.shift();
    if (!waiter) return false;
    waiter.resolve(session);
    return true;
  }

  function release(session: Session) {
    if (session.closed) return;
    if (closing || session.messages >= settings.maxMessages) return session.quit();
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(session);
    else idle.push(session);
  }

  return {
    async send(envelope, message) {
      for (let attempt = 0; ; attempt++) {
        const session = await acquire();
        let handedOff = false;
        try {
          const result = await session.transaction(envelope, message, () => (handedOff = handOff(session)));
          if (!handedOff) release(session);
          return result;
        } catch (error) {
          if (error instanceof SmtpClientError && error.responseCode === 421) session.quit();
          if (!handedOff) release(session);
          const unsent = error instanceof SmtpClientError && error.code === 'ECONNECTION' && !error.messageSent;
          if (unsent && attempt === 0) continue;
          throw error;
        }
      }
    },
    async verify() {
      try {
        const session = new Session(settings, target);
        try {
          await session.open();
        } finally {
          session.quit();
        }
        return true;
      } catch {
        return false;
      }
    },
    close() {
      closing = true;
      for (const session of idle.splice(0)) session.quit();
      for (const waiter of waiters.splice(0)) waiter.reject(new SmtpClientError('The SMTP pool is closed', 'ECONNECTION', 'CONN'));
    },
  };
}
