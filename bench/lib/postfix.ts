// Postfix's C tools as the wire's baseline: smtp-sink (a minimal SMTP server that accepts
// and discards) and smtp-source (a minimal client that pushes N messages of a given size
// over S parallel sessions). What they reach on this machine is the most any SMTP client
// in any language could push into that sink; the pipeline is measured against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './proc.js';

const SINK = '/usr/sbin/smtp-sink';
const SOURCE = '/usr/sbin/smtp-source';

export class PostfixToolsMissingError extends Error {
  override name = 'PostfixToolsMissingError';
  constructor() {
    super(
      `${SINK} and ${SOURCE} are needed for the wire baseline. Install them without a mail server:\n` +
        `  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections\n` +
        '  DEBIAN_FRONTEND=noninteractive apt-get install -y postfix',
    );
  }
}

export interface PostfixSink {
  url: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

export async function startPostfixSink(): Promise<PostfixSink> {
  if (!existsSync(SINK) || !existsSync(SOURCE)) throw new PostfixToolsMissingError();
  const port = await freePort();
  // -u: the privileges to drop to when started as root; 1024: listen backlog.
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), `127.0.0.1:${port}`, '1024'];
  const child: ChildProcess = spawn(SINK, args, { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error(`smtp-sink exited ${child.exitCode}`);
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** smtp-source: `messages` of `bytes` over `sessions` sessions kept open (-d); msg/s. */
export async function smtpSource(sink: PostfixSink, o: { messages: number; sessions: number; bytes: number }): Promise<{ rate: number; ms: number }> {
  const args = ['-s', String(o.sessions), '-l', String(o.bytes), '-m', String(o.messages), '-d', '-f', 'digest@news.example.com', '-t', 'reader@example.test', `127.0.0.1:${sink.port}`];
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => spawn(SOURCE, args, { stdio: 'ignore' }).on('exit', resolve));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`smtp-source exited ${code}`);
  return { rate: Math.round((o.messages / ms) * 1000), ms: Math.round(ms) };
}
