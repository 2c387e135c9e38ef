// The SMTP sink, run as its own process: accepts everything on 127.0.0.1, discards
// the data, counts messages per recipient. Talks to the benchmark over IPC:
//   parent → {cmd:'stats'} | {cmd:'reset'};  child → {ready, port} | {stats}.
import { SMTPServer } from 'smtp-server';

let perRecipient = new Map<string, number>();
let messages = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 1000,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    let size = 0;
    stream.on('data', (c: Buffer) => (size += c.length));
    stream.on('end', () => {
      messages += 1;
      bytes += size;
      lastAt = Date.now();
      if (!firstAt) firstAt = lastAt;
      for (const r of session.envelope.rcptTo) perRecipient.set(r.address, (perRecipient.get(r.address) ?? 0) + 1);
      callback();
    });
  },
});
server.on('error', (err) => process.stderr.write(`sink error: ${String(err)}\n`));

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send!({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
});

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'reset') {
    perRecipient = new Map();
    messages = bytes = firstAt = lastAt = 0;
    process.send!({ reset: true });
  } else if (msg.cmd === 'stats') {
    let duplicated = 0;
    for (const n of perRecipient.values()) if (n > 1) duplicated += 1;
    process.send!({ stats: { messages, recipients: perRecipient.size, duplicated, bytes, firstAt, lastAt } });
  }
});
process.on('disconnect', () => server.close(() => process.exit(0)));
