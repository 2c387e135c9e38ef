// The suite's SMTP relay, as a child process it controls over IPC (fork):
// refuse connections for N ms, answer 421 to a share of messages, drop the
// connection mid-DATA, be slow per message. It records every accepted message
// (envelope, Message-ID, kind) and keeps the raw bytes of chosen recipients.
// Run: fork('smtp-main.ts', [port, seed], { execArgv: ['--import', 'tsx'] }).
import type { Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createRng } from './prng.js';
import type { Faults, Received, SmtpCommand, SmtpReply } from './smtp-protocol.js';

const port = Number(process.argv[2]);
const rng = createRng(Number(process.argv[3] ?? 1));
let faults: Faults = {};
let keepRaw: RegExp | null = null;
const received: Received[] = [];
const raw = new Map<string, string[]>();
const counters = { tempfailed: 0, dropped: 0, droppedAfterAccept: 0, refusedWindows: 0, connections: 0 };
const sockets = new Set<Socket>();
let refusing = false;

/** Unfolded header block of a raw message. */
function headerOf(buf: Buffer): Map<string, string> {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const block = (end < 0 ? text : text.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) {
      const name = line.slice(0, i).toLowerCase();
      map.set(name, map.has(name) ? `${map.get(name)}\n${line.slice(i + 1).trim()}` : line.slice(i + 1).trim());
    }
  }
  return map;
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 20 * 1024 * 1024,
  onConnect(_session, cb) {
    counters.connections++;
    cb();
  },
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    const drop = faults.dropMidData !== undefined && rng.chance(faults.dropMidData);
    let size = 0;
    let cut = false;
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      // Cut the TCP connection with part of the message received: the client never gets a reply.
      if (drop && size > 0 && !cut) {
        cut = true;
        counters.dropped++;
        for (const s of sockets) if (s.remotePort === session.remotePort) s.destroy();
        stream.resume();
      }
    });
    stream.on('end', () => {
      if (drop) return;
      const reply = (err?: Error) => {
        if (faults.slowMs) setTimeout(() => cb(err), faults.slowMs);
        else cb(err);
      };
      if (faults.tempfail !== undefined && rng.chance(faults.tempfail)) {
        counters.tempfailed++;
        return reply(Object.assign(new Error('4.3.2 Service busy, try again later'), { responseCode: 421 }));
      }
      const buf = Buffer.concat(chunks);
      const h = headerOf(buf);
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      const messageId = h.get('message-id') ?? '';
      const kind = /^<(confirm|welcome)-/.test(messageId) ? (messageId.slice(1).split('-')[0] as 'confirm' | 'welcome') : 'digest';
      received.push({ to, messageId, kind, at: Date.now(), headerCount: { subject: (h.get('subject') ?? '').split('\n').length, to: (h.get('to') ?? '').split('\n').length } });
      if (keepRaw) for (const a of to) if (keepRaw.test(a)) raw.set(a, [...(raw.get(a) ?? []), buf.toString('utf8')]);
      if (faults.dropAfterAccept !== undefined && rng.chance(faults.dropAfterAccept)) {
        // The relay has the message; the client never hears so (RFC 1047's window).
        counters.droppedAfterAccept++;
        for (const s of sockets) if (s.remotePort === session.remotePort) s.destroy();
        return;
      }
      reply();
    });
  },
});
server.on('error', () => {}); // clients killed mid-session reset their sockets
server.server.on('connection', (s: Socket) => {
  if (refusing) return void s.destroy();
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

function listen(): Promise<void> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(port, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
}

/** Stop listening (new connections get ECONNREFUSED), cut the open ones, listen again after `ms`. */
async function refuse(ms: number): Promise<void> {
  counters.refusedWindows++;
  refusing = true;
  // net.Server#close calls back only once every connection is gone, so cut them first.
  const closed = new Promise<void>((r) => server.server.close(() => r()));
  for (const s of sockets) s.destroy();
  await closed;
  setTimeout(() => {
    refusing = false;
    void listen();
  }, ms);
  // Resolve once the closing happened; the caller waits for the window itself.
}

process.on('message', (msg: SmtpCommand) => {
  const answer = (r: SmtpReply) => process.send!(r);
  switch (msg.type) {
    case 'faults':
      faults = msg.faults;
      return answer({ type: 'ok', id: msg.id });
    case 'refuse':
      return void refuse(msg.ms).then(() => answer({ type: 'ok', id: msg.id }));
    case 'keep-raw':
      keepRaw = msg.pattern ? new RegExp(msg.pattern, 'i') : null;
      return answer({ type: 'ok', id: msg.id });
    case 'received':
      return answer({ type: 'received', id: msg.id, received: received.slice(msg.from ?? 0), counters });
    case 'raw':
      return answer({ type: 'raw', id: msg.id, raw: Object.fromEntries(raw) });
  }
});
process.on('disconnect', () => process.exit(0));

await listen();
process.send!({ type: 'ready', id: 0 } satisfies SmtpReply);
