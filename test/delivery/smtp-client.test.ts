// The service's own SMTP pool against a real smtp-server: the protocol paths (pipelined
// or not, STARTTLS, implicit TLS, AUTH), refusals, and what each failure means for a
// resend (transport/failures.ts reads the errors the pool throws).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpPool, SmtpClientError, toSmtpData, type SmtpPool } from '../../src/delivery/transport/smtp-pool.js';
import { toSmtpPieces } from '../../src/delivery/transport/smtp-data.js';
import { AmbiguousDeliveryError, PermanentDeliveryError, RelayUnavailableError, TransientDeliveryError } from '../../src/delivery/transport/failures.js';
import { classifySmtpError } from '../../src/delivery/transport/smtp-transport.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const message = (to: string, body = 'Hello.\r\n') =>
  Buffer.from(`From: digest@example.test\r\nTo: ${to}\r\nSubject: test\r\nMessage-ID: <${to}>\r\n\r\n${body}`);

let smtp: TestSmtp | undefined;
let pool: SmtpPool | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  pool?.close();
  pool = undefined;
  await smtp?.close();
  smtp = undefined;
  for (const s of servers.splice(0)) s.close();
});

describe('toSmtpData', () => {
  const data = (s: string) => toSmtpData(Buffer.from(s, 'latin1')).toString('latin1');
  it('doubles a dot that starts a line and ends with CRLF.CRLF', () => {
    expect(data('a\r\n.b\r\n..c\r\n')).toBe('a\r\n..b\r\n...c\r\n.\r\n');
    expect(data('.first\r\n')).toBe('..first\r\n.\r\n');
    expect(data('x.\r\n.')).toBe('x.\r\n..\r\n.\r\n');
  });
  it('turns bare LF and bare CR into CRLF, so "\\r.\\r" cannot end the data early', () => {
    expect(data('a\nb\n.c')).toBe('a\r\nb\r\n..c\r\n.\r\n');
    expect(data('a\r.\rb')).toBe('a\r\n..\r\nb\r\n.\r\n');
    expect(data('\n.')).toBe('\r\n..\r\n.\r\n');
  });
  it('returns a clean message with only the terminator added', () => {
    const clean = 'From: a@b\r\n\r\nline one\r\nline two\r\n';
    expect(data(clean)).toBe(`${clean}.\r\n`);
    expect(data('')).toBe('.\r\n');
  });
});

describe('toSmtpPieces', () => {
  // Tricky texts and every way of cutting them into three pieces: the pieces, written in order,
  // must be exactly toSmtpData of the joined message, whether or not they could be sent uncopied.
  const texts = ['a\r\n.b\r\n', '.x\r\ny', 'a\nb\r.c', 'line\r\n', 'x.\r\n.\r\n', '\r\n..\r\n', 'end'];
  it('is toSmtpData of the joined message, for any cut', () => {
    for (const t of texts)
      for (const u of texts) {
        const all = Buffer.from(t + u, 'latin1');
        for (let i = 0; i <= all.length; i++)
          for (let j = i; j <= all.length; j++) {
            const pieces = [all.subarray(0, i), all.subarray(i, j), all.subarray(j)];
            expect(Buffer.concat(toSmtpPieces(pieces)).toString('latin1'), JSON.stringify(pieces.map((p) => p.toString('latin1')))).toBe(toSmtpData(all).toString('latin1'));
          }
      }
  });
  it('copies nothing when the pieces are clean inside: the same Buffers, a dot piece where a line starts with one', () => {
    const big = Buffer.from(`${'fixed part of a variant\r\n'.repeat(20)}`, 'latin1');
    const value = Buffer.from('.Ada\r\n', 'latin1');
    const out = toSmtpPieces([big, value, big]);
    expect(out[0]).toBe(big);
    expect(out[1]!.toString()).toBe('.');
    expect(out[2]).toBe(value);
    expect(out[3]).toBe(big);
    expect(out[4]!.toString()).toBe('.\r\n');
  });
});

describe('SMTP pool', () => {
  it('sends pipelined and unpipelined, over few connections, each message intact', async () => {
    for (const hidePIPELINING of [false, true]) {
      smtp = await startSmtp({ hidePIPELINING });
      pool = createSmtpPool({ url: smtp.url, poolSize: 3, ignoreTLS: true });
      const body = 'line\r\n.starts with a dot\r\n';
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => pool!.send({ from: 'digest@example.test', to: [`r${i}@example.test`] }, message(`r${i}@example.test`, body))));
      expect(results.every((r) => r.accepted.length === 1 && r.rejected.length === 0 && /^250/.test(r.response))).toBe(true);
      await smtp.waitFor(30);
      expect(smtp.messages).toHaveLength(30);
      expect(new Set(smtp.messages.map((m) => m.envelopeTo[0])).size).toBe(30);
      expect(smtp.messages[0]!.parsed.text).toBe('line\n.starts with a dot\n');
      pool.close();
      await smtp.close();
    }
    smtp = undefined;
  });

  it('opens no more sessions than the pool size and reuses them', async () => {
    const sessions = new Set<string>();
    smtp = await startSmtp({
      onConnect(session, cb) {
        sessions.add(session.id);
        cb();
      },
    });
    pool = createSmtpPool({ url: smtp.url, poolSize: 2, ignoreTLS: true, maxMessages: 10 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => pool!.send({ from: 'd@example.test', to: [`p${i}@example.test`] }, message(`p${i}@example.test`))));
    // 30 messages, 10 per session: at least 3 sessions, never more than 2 at a time, so at most 4.
    expect(sessions.size).toBeGreaterThanOrEqual(3);
    expect(sessions.size).toBeLessThanOrEqual(4);
  });

  it('a refused recipient is a permanent bounce and the session stays usable', async () => {
    smtp = await startSmtp();
    smtp.onRcpt = (a) => (a.startsWith('gone') ? { code: 550, message: '5.1.1 no such user' } : undefined);
    pool = createSmtpPool({ url: smtp.url, poolSize: 1, ignoreTLS: true });
    const err = await pool.send({ from: 'd@example.test', to: ['gone@example.test'] }, message('gone@example.test')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpClientError);
    const failure = classifySmtpError(err);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as PermanentDeliveryError).recipientRejected).toBe(true);
    expect((failure as PermanentDeliveryError).responseCode).toBe(550);
    // Same (only) session: the RSET left it clean for the next message.
    await pool.send({ from: 'd@example.test', to: ['ok@example.test'] }, message('ok@example.test'));
    await smtp.waitFor(1);
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['ok@example.test']]);
  });

  it('a message refused after DATA is permanent, not a bounce; 4xx there is transient', async () => {
    smtp = await startSmtp();
    let code = 554;
    smtp.onData = () => ({ code, message: 'refused' });
    pool = createSmtpPool({ url: smtp.url, poolSize: 1, ignoreTLS: true });
    const permanent = classifySmtpError(await pool.send({ from: 'd@example.test', to: ['a@example.test'] }, message('a@example.test')).catch((e: unknown) => e));
    expect(permanent).toBeInstanceOf(PermanentDeliveryError);
    expect((permanent as PermanentDeliveryError).recipientRejected).toBe(false);
    code = 451;
    const transient = classifySmtpError(await pool.send({ from: 'd@example.test', to: ['a@example.test'] }, message('a@example.test')).catch((e: unknown) => e));
    expect(transient).toBeInstanceOf(TransientDeliveryError);
  });

  it('a lost reply after the data is ambiguous and is not sent again', async () => {
    smtp = await startSmtp();
    smtp.dropAfterAccept = () => true;
    pool = createSmtpPool({ url: smtp.url, poolSize: 1, ignoreTLS: true });
    const lost = await pool.send({ from: 'd@example.test', to: ['a@example.test'] }, message('a@example.test')).catch((e: unknown) => e);
    expect(lost).toMatchObject({ messageSent: true });
    expect(classifySmtpError(lost)).toBeInstanceOf(AmbiguousDeliveryError);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(1); // the relay kept it, and the pool did not send it again
  });

  it("pipelines the next envelope behind a message's dot on one session; a loss then ends only that message as sent", async () => {
    smtp = await startSmtp();
    pool = createSmtpPool({ url: smtp.url, poolSize: 1, ignoreTLS: true });
    const piece = (s: string) => Buffer.from(s, 'latin1');
    // 20 at once over one session, each in pieces: all intact, each to its own recipient.
    const sends = Array.from({ length: 20 }, (_, i) =>
      pool!.send({ from: 'd@example.test', to: [`p${i}@example.test`] }, [piece(`From: d@example.test\r\nTo: p${i}@example.test\r\nSubject: ${i}\r\n\r\n`), piece('.dot first\r\n'), piece(`body ${i}\r\n`)]),
    );
    await Promise.all(sends);
    await smtp.waitFor(20);
    for (const m of smtp.messages) expect(m.parsed.text).toBe(`.dot first\nbody ${m.parsed.subject}\n`);
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}@example.test`).sort());
    // The relay keeps the first message of the next round and hangs up before its reply: that
    // message is `sent` (ambiguous), the one whose envelope followed it goes out again, once.
    let cut = 1;
    smtp.dropAfterAccept = () => cut-- > 0;
    const [first, second] = await Promise.all(
      ['q1', 'q2'].map((n) => pool!.send({ from: 'd@example.test', to: [`${n}@example.test`] }, message(`${n}@example.test`)).catch((e: unknown) => e)),
    );
    expect(first).toMatchObject({ messageSent: true });
    expect(second).toMatchObject({ accepted: ['q2@example.test'] });
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.envelopeTo[0] === 'q2@example.test')).toHaveLength(1);
  });

  it('a session the relay closed while idle is dropped, and the next message takes a new one', async () => {
    smtp = await startSmtp({ socketTimeout: 200 });
    pool = createSmtpPool({ url: smtp.url, poolSize: 1, ignoreTLS: true });
    await pool.send({ from: 'd@example.test', to: ['one@example.test'] }, message('one@example.test'));
    await new Promise((r) => setTimeout(r, 600)); // the relay says 421 and hangs up
    await pool.send({ from: 'd@example.test', to: ['two@example.test'] }, message('two@example.test'));
    await smtp.waitFor(2);
  });

  it('a session cut before any of the message went out is retried once on a fresh one', async () => {
    // A hand-written relay: its first session takes one message, then hangs up on the next MAIL.
    let sessionCount = 0;
    const delivered: string[] = [];
    const relay = net.createServer((socket) => {
      const n = ++sessionCount;
      let taken = 0;
      let inData = false;
      let buffer = '';
      socket.write('220 fake ESMTP\r\n');
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        let nl: number;
        while ((nl = buffer.indexOf('\r\n')) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 2);
          if (inData) {
            if (line === '.') {
              inData = false;
              taken++;
              socket.write('250 ok\r\n');
            }
            continue;
          }
          if (/^EHLO/.test(line)) socket.write('250-fake\r\n250 PIPELINING\r\n');
          else if (/^MAIL/.test(line)) {
            if (n === 1 && taken === 1) return socket.destroy();
            socket.write('250 ok\r\n');
          } else if (/^RCPT/.test(line)) {
            delivered.push(`${n}:${line.slice(8)}`);
            socket.write('250 ok\r\n');
          } else if (line === 'DATA') {
            inData = true;
            socket.write('354 go\r\n');
          } else if (line === 'QUIT') socket.end('221 bye\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
    servers.push(relay);
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    pool = createSmtpPool({ url: `smtp://127.0.0.1:${(relay.address() as net.AddressInfo).port}`, poolSize: 1, ignoreTLS: true });
    await pool.send({ from: 'd@x.test', to: ['one@x.test'] }, message('one@x.test'));
    await pool.send({ from: 'd@x.test', to: ['two@x.test'] }, message('two@x.test'));
    expect(delivered).toEqual(['1:<one@x.test>', '2:<two@x.test>']);
  });

  it('an unreachable relay, a 421 greeting and a silent relay are relay outages', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    pool = createSmtpPool({ url: `smtp://127.0.0.1:${port}`, poolSize: 1, ignoreTLS: true });
    expect(classifySmtpError(await pool.send({ from: 'd@x.test', to: ['a@x.test'] }, message('a@x.test')).catch((e: unknown) => e))).toBeInstanceOf(RelayUnavailableError);
    pool.close();

    const busy = net.createServer((s) => s.end('421 4.3.2 too busy\r\n'));
    const silent = net.createServer(() => undefined);
    servers.push(busy, silent);
    for (const server of [busy, silent]) {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      pool = createSmtpPool({ url, poolSize: 1, ignoreTLS: true, greetingTimeout: 300 });
      const err = await pool.send({ from: 'd@x.test', to: ['a@x.test'] }, message('a@x.test')).catch((e: unknown) => e);
      expect(classifySmtpError(err)).toBeInstanceOf(RelayUnavailableError);
      expect(await pool.verify()).toBe(false);
      pool.close();
    }
    pool = undefined;
  });

  it('upgrades with STARTTLS when offered, speaks TLS from the start for smtps://, and logs in', async () => {
    const auth: string[] = [];
    const onAuth = (a: { method: string; username?: string; password?: string }, _s: unknown, cb: (e: Error | null, r?: { user: string }) => void) => {
      auth.push(`${a.method}:${a.username}:${a.password}`);
      return a.password === 'p@ss word' ? cb(null, { user: a.username! }) : cb(Object.assign(new Error('bad'), { responseCode: 535 }));
    };
    for (const variant of ['starttls', 'smtps', 'login'] as const) {
      smtp = await startSmtp({
        disabledCommands: [],
        secure: variant === 'smtps',
        authMethods: variant === 'login' ? ['LOGIN'] : ['PLAIN', 'LOGIN'],
        authOptional: false,
        onAuth: onAuth as never,
      });
      const scheme = variant === 'smtps' ? 'smtps' : 'smtp';
      pool = createSmtpPool({ url: `${scheme}://me:p%40ss%20word@127.0.0.1:${smtp.port}?requireTLS=${variant === 'smtps' ? 'false' : 'true'}`, poolSize: 1, tls: { rejectUnauthorized: false } });
      expect(await pool.verify()).toBe(true);
      await pool.send({ from: 'd@example.test', to: [`${variant}@example.test`] }, message(`${variant}@example.test`));
      await smtp.waitFor(1);
      pool.close();
      const wrong = createSmtpPool({ url: `${scheme}://me:wrong@127.0.0.1:${smtp.port}`, poolSize: 1, tls: { rejectUnauthorized: false } });
      const err = await wrong.send({ from: 'd@example.test', to: ['x@example.test'] }, message('x@example.test')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'EAUTH', responseCode: 535 });
      wrong.close();
      await smtp.close();
      smtp = undefined;
    }
    expect(auth.filter((a) => a.endsWith('p@ss word'))).toEqual(['PLAIN:me:p@ss word', 'PLAIN:me:p@ss word', 'PLAIN:me:p@ss word', 'PLAIN:me:p@ss word', 'LOGIN:me:p@ss word', 'LOGIN:me:p@ss word']);
  });
});
