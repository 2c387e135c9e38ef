// One SMTP session for smtp-pool.ts: greeting, EHLO, STARTTLS, AUTH, and pipelined
// transactions whose replies are matched to commands in order. With PIPELINING the next
// transaction's envelope may follow a message's end-of-data dot before its reply (RFC 2920
// 3.1), and writes made in one turn of the event loop leave in one system call. Errors
// carry nodemailer's shape (code, responseCode, command, response) so that failures.ts
// keeps making every decision; `messageSent` marks a session lost after that message's
// end-of-data dot went out (the relay may have it).
import net from 'node:net';
import tls from 'node:tls';
import { END_OF_DATA, toSmtpPieces } from './smtp-data.js';

export interface SmtpPoolOptions {
  /** smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps:// (TLS from the start). */
  url: string;
  poolSize: number;
  /** Messages per connection before it is closed and replaced. */
  maxMessages?: number;
  /** Never upgrade with STARTTLS (loopback relays). */
  ignoreTLS?: boolean;
  /** Name sent with EHLO. */
  name?: string;
  connectionTimeout?: number;
  greetingTimeout?: number;
  /** Longest wait for any reply, and the longest a connection may sit idle. */
  socketTimeout?: number;
  /** Extra options for the TLS connection (tests: a self-signed relay). */
  tls?: tls.ConnectionOptions;
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

export interface SmtpSendResult {
  response: string;
  accepted: string[];
  rejected: string[];
}

/** An SMTP failure in nodemailer's terms, read by classifySmtpError. */
export class SmtpClientError extends Error {
  override name = 'SmtpClientError';
  constructor(
    message: string,
    readonly code: string,
    readonly command: string,
    readonly responseCode?: number,
    readonly response?: string,
    /** The whole message, with its end-of-data dot, was handed to the socket. */
    readonly messageSent = false,
  ) {
    super(message);
  }
}

export interface Reply {
  code: number;
  text: string;
}

const SAFE_ADDRESS = /^[^\s<>]*$/;

export function parseUrl(raw: string) {
  const url = new URL(raw);
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:') throw new Error(`SMTP URL must start with smtp:// or smtps:// (got ${url.protocol})`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return {
    host,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
    requireTLS: url.searchParams.get('requireTLS') === 'true',
  };
}

export type SmtpTarget = ReturnType<typeof parseUrl>;

/** One SMTP session. Replies are matched to commands in order (pipelining keeps order). */
export class Session {
  private socket: net.Socket | tls.TLSSocket;
  private buffered = '';
  private lines: string[] = [];
  /** `sent`: the reply to a message's end-of-data dot (a loss then may have delivered it). */
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void; command: string; sent: boolean }[] = [];
  private features = new Set<string>();
  private authMethods: string[] = [];
  closed = false;
  /** Transactions under way (two when the next envelope follows a message's dot). */
  private active = 0;
  private corked = false;
  messages = 0;
  onClose: (() => void) | undefined;

  constructor(
    private readonly options: Required<Omit<SmtpPoolOptions, 'url' | 'tls'>> & { tls?: tls.ConnectionOptions | undefined },
    private readonly target: SmtpTarget,
  ) {
    this.socket = target.secure
      ? tls.connect({ host: target.host, port: target.port, ...(net.isIP(target.host) ? {} : { servername: target.host }), ...options.tls })
      : net.connect({ host: target.host, port: target.port });
    this.attach(this.socket);
  }

  private attach(socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
    socket.on('close', () => this.fail(null));
    socket.setTimeout(this.options.socketTimeout, () => {
      if (this.active > 0) this.fail(Object.assign(new Error('Timeout waiting for the relay'), { code: 'ETIMEDOUT' }));
      else this.quit();
    });
  }

  private onData(chunk: string) {
    this.buffered += chunk;
    if (this.buffered.length > 1_000_000) return this.fail(new Error('reply too long'));
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, nl).replace(/\r$/, '');
      this.buffered = this.buffered.slice(nl + 1);
      this.lines.push(line);
      if (line.length >= 3 && line[3] !== '-') {
        const text = this.lines.join('\n');
        this.lines = [];
        const code = Number(line.slice(0, 3));
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve({ code, text });
        else if (code === 421) this.quit(); // the relay is closing an idle connection
      }
    }
  }

  private fail(err: (Error & { code?: string }) | null) {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const w of this.waiting.splice(0)) {
      const error = w.sent
        ? new SmtpClientError('Connection closed unexpectedly after the message was sent', 'ECONNECTION', w.command, undefined, undefined, true)
        : err && w.command === 'CONN'
          ? new SmtpClientError(err.message, err.code === 'ETIMEDOUT' ? 'ETIMEDOUT' : 'ESOCKET', 'CONN')
          : new SmtpClientError(`Connection closed before the message was sent${err ? `: ${err.message}` : ''}`, 'ECONNECTION', w.command);
      w.reject(error);
    }
    this.onClose?.();
  }

  private reply(command: string, sent = false): Promise<Reply> {
    if (this.closed) return Promise.reject(new SmtpClientError('Connection closed before the message was sent', 'ECONNECTION', command));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject, command, sent }));
  }

  /** Writes in this turn of the event loop go out together (one writev: a message's dot and the next envelope). */
  private write(data: string | Buffer) {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(data);
  }

  /** The relay takes the next envelope before this transaction's last reply. */
  get pipelining(): boolean {
    return this.features.has('PIPELINING');
  }

  /** Sends one command line and waits for its reply, whatever the code. */
  private ask(line: string, name: string): Promise<Reply> {
    const reply = this.reply(name);
    this.write(`${line}\r\n`);
    return reply;
  }

  /** `ask`, refusing any reply code not in `expect` (as `errorCode`: EENVELOPE, EAUTH, …). */
  private async command(line: string, name: string, expect: number[], errorCode = 'EENVELOPE'): Promise<Reply> {
    const r = await this.ask(line, name);
    if (!expect.includes(r.code)) throw this.refused(name, r, errorCode);
    return r;
  }

  private refused(command: string, r: Reply, code: string): SmtpClientError {
    return new SmtpClientError(`${command} refused: ${r.text}`, code, command, r.code, r.text);
  }

  /** Greeting, EHLO (HELO when refused), STARTTLS when offered, AUTH when the URL has a user. */
  async open(): Promise<void> {
    const connected = new Promise<void>((resolve) => this.socket.once(this.target.secure ? 'secureConnect' : 'connect', () => resolve()));
    const timer = setTimeout(
      () => this.fail(Object.assign(new Error(`Connection timeout to ${this.target.host}:${this.target.port}`), { code: 'ETIMEDOUT' })),
      this.options.connectionTimeout,
    );
    const greeting = this.reply('CONN');
    try {
      await Promise.race([connected, greeting]);
    } finally {
      clearTimeout(timer);
    }
    const greetTimer = setTimeout(
      () => this.fail(Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' })),
      this.options.greetingTimeout,
    );
    let hello: Reply;
    try {
      hello = await greeting;
    } finally {
      clearTimeout(greetTimer);
    }
    if (hello.code !== 220) throw this.refused('CONN', hello, 'EPROTOCOL');
    await this.hello();
    if (!this.target.secure && !(this.socket instanceof tls.TLSSocket)) {
      const offered = this.features.has('STARTTLS');
      if (this.target.requireTLS && !offered) throw new SmtpClientError('The relay does not offer STARTTLS', 'ETLS', 'STARTTLS');
      if (offered && (!this.options.ignoreTLS || this.target.requireTLS)) await this.startTls();
    }
    if (this.target.user) await this.login();
  }

  private async hello() {
    const name = this.options.name;
    let r = await this.ask(`EHLO ${name}`, 'EHLO');
    if (r.code >= 400) {
      r = await this.ask(`HELO ${name}`, 'HELO');
      if (r.code !== 250) throw this.refused('HELO', r, 'EPROTOCOL');
      this.features = new Set();
      return;
    }
    const lines = r.text.split('\n').slice(1).map((l) => l.slice(4).trim().toUpperCase());
    this.features = new Set(lines.map((l) => l.split(/\s+/)[0]!));
    this.authMethods = lines.find((l) => /^AUTH[ =]/.test(l))?.slice(5).split(/\s+/) ?? [];
  }

  private async startTls() {
    await this.command('STARTTLS', 'STARTTLS', [220], 'ETLS');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('timeout');
    const secure = tls.connect({ socket: plain, ...(net.isIP(this.target.host) ? {} : { servername: this.target.host }), ...this.options.tls });
    this.socket = secure;
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    await this.hello();
  }

  private async login() {
    const { user, pass } = this.target;
    if (this.authMethods.includes('PLAIN') || !this.authMethods.includes('LOGIN')) {
      const token = Buffer.from(`\0${user}\0${pass}`).toString('base64');
      await this.command(`AUTH PLAIN ${token}`, 'AUTH PLAIN', [235], 'EAUTH');
      return;
    }
    await this.command('AUTH LOGIN', 'AUTH LOGIN', [334], 'EAUTH');
    await this.command(Buffer.from(user).toString('base64'), 'AUTH LOGIN', [334], 'EAUTH');
    await this.command(Buffer.from(pass).toString('base64'), 'AUTH LOGIN', [235], 'EAUTH');
  }

  /**
   * One transaction. The session stays usable after a refusal (RSET is sent when needed).
   * `dotSent` is called as the message's end-of-data dot is written: with PIPELINING, the next
   * transaction may start then (its replies come after this one's).
   */
  async transaction(envelope: SmtpEnvelope, data: Buffer | readonly Buffer[], dotSent?: () => void): Promise<SmtpSendResult> {
    this.active++;
    try {
      return await this.run(envelope, data, dotSent);
    } finally {
      this.active--;
    }
  }

  private async run(envelope: SmtpEnvelope, data: Buffer | readonly Buffer[], dotSent?: () => void): Promise<SmtpSendResult> {
    const utf8 = [envelope.from, ...envelope.to].some((a) => /[^\x00-\x7f]/.test(a));
    for (const address of [envelope.from, ...envelope.to]) {
      if (!SAFE_ADDRESS.test(address)) throw new SmtpClientError(`Invalid address ${JSON.stringify(address)}`, 'EENVELOPE', 'RCPT TO', 553);
    }
    if (utf8 && !this.features.has('SMTPUTF8')) {
      throw new SmtpClientError('The relay does not accept internationalised addresses (no SMTPUTF8)', 'EENVELOPE', 'MAIL FROM', 553);
    }
    const payload = toSmtpPieces(Buffer.isBuffer(data) ? [data] : data);
    const mailFrom = `MAIL FROM:<${envelope.from}>${utf8 ? ' SMTPUTF8' : ''}`;
    const commands = [mailFrom, ...envelope.to.map((to) => `RCPT TO:<${to}>`), 'DATA'];
    const names = ['MAIL FROM', ...envelope.to.map(() => 'RCPT TO'), 'DATA'];
    let replies: Reply[];
    if (this.features.has('PIPELINING')) {
      const pending = names.map((name) => this.reply(name));
      this.write(`${commands.join('\r\n')}\r\n`);
      replies = [];
      for (const settled of await Promise.allSettled(pending)) {
        if (settled.status === 'fulfilled') {
          replies.push(settled.value);
          continue;
        }
        // The relay hung up mid-envelope; a refusal it sent first (421 closing) says why.
        const refusal = replies.findIndex((r) => r.code >= 400);
        if (refusal !== -1) throw this.refused(names[refusal]!, replies[refusal]!, 'EENVELOPE');
        throw settled.reason as Error;
      }
    } else {
      replies = [];
      for (let i = 0; i < commands.length; i++) {
        replies.push(await this.ask(commands[i]!, names[i]!));
        if (replies[i]!.code >= 400) break; // later commands are not sent
      }
    }
    const mail = replies[0]!;
    if (mail.code !== 250) {
      await this.reset(replies.length === names.length && replies.at(-1)!.code === 354);
      throw this.refused('MAIL FROM', mail, 'EENVELOPE');
    }
    const accepted: string[] = [];
    const rejected: { address: string; reply: Reply }[] = [];
    envelope.to.forEach((address, i) => {
      const r = replies[i + 1];
      if (r?.code === 250 || r?.code === 251) accepted.push(address);
      else if (r) rejected.push({ address, reply: r });
    });
    const dataReply = replies[names.length - 1];
    if (accepted.length === 0 || dataReply?.code !== 354) {
      await this.reset(dataReply?.code === 354);
      const first = rejected[0];
      if (first) throw this.refused('RCPT TO', first.reply, 'EENVELOPE');
      throw this.refused('DATA', dataReply ?? { code: 503, text: 'DATA not sent' }, 'EENVELOPE');
    }
    // From here a lost connection may have delivered the message: the caller must not resend.
    const final = this.reply('DATA', true);
    for (const piece of payload) this.write(piece);
    dotSent?.();
    const r = await final;
    this.messages++;
    if (r.code !== 250) throw new SmtpClientError(`Message refused: ${r.text}`, 'EMESSAGE', 'DATA', r.code, r.text);
    return { response: r.text, accepted, rejected: rejected.map((x) => x.address) };
  }

  private async reset(inData: boolean) {
    // A pipelined DATA the relay accepted although MAIL or every RCPT failed: end it empty.
    if (inData) {
      const r = this.reply('DATA');
      this.write(END_OF_DATA);
      await r.catch(() => undefined);
    }
    await this.ask('RSET', 'RSET').catch(() => undefined);
  }

  quit() {
    if (this.closed) return;
    if (this.waiting.length > 0) return this.fail(null);
    this.write('QUIT\r\n');
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.onClose?.();
  }
}

