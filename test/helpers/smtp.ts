// A real SMTP server (smtp-server) on an ephemeral loopback port. It captures
// every message and parses it with mailparser so tests assert on real MIME.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Received {
  raw: Buffer;
  parsed: ParsedMail;
  envelopeFrom: string;
  envelopeTo: string[];
}

export type RcptHook = (address: string) => { code: number; message: string } | undefined;
export type DataHook = (rcpts: string[]) => { code: number; message: string } | undefined;

export interface TestSmtp {
  port: number;
  url: string;
  messages: Received[];
  /** Return an error for a recipient to reject it (e.g. 550 or 421). */
  onRcpt: RcptHook | undefined;
  /** Return an error to reject a whole message after DATA. */
  onData: DataHook | undefined;
  /**
   * Return true to keep a message but cut the connection before the 250 reply:
   * the relay has it, the client never hears so.
   */
  dropAfterAccept: ((rcpts: string[]) => boolean) | undefined;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startSmtp(opts: Partial<SMTPServerOptions> = {}): Promise<TestSmtp> {
  const messages: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const notify = () => {
    for (const w of [...waiters]) {
      if (messages.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const smtp: TestSmtp = {
    port: 0,
    url: '',
    messages,
    onRcpt: undefined,
    onData: undefined,
    dropAfterAccept: undefined,
    waitFor(count, timeoutMs = 15_000) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} messages, got ${messages.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(messages);
          },
        });
      });
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const err = smtp.onRcpt?.(address.address);
      if (err) return cb(Object.assign(new Error(err.message), { responseCode: err.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const rcpts = session.envelope.rcptTo.map((r) => r.address);
        const err = smtp.onData?.(rcpts);
        if (err) return cb(Object.assign(new Error(err.message), { responseCode: err.code }));
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              raw,
              parsed,
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: rcpts,
            });
            notify();
            if (smtp.dropAfterAccept?.(rcpts)) {
              for (const socket of sockets) if (socket.remotePort === session.remotePort) socket.destroy();
              return;
            }
            cb();
          })
          .catch(cb);
      });
    },
    ...opts,
  });
  // A client killed mid-session (crash tests) resets its socket; that is not a test failure.
  server.on('error', () => {});
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  smtp.port = typeof address === 'object' && address ? address.port : 0;
  smtp.url = `smtp://127.0.0.1:${smtp.port}`;
  return smtp;
}
