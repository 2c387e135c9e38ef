// A pass-through between one process and Redis that records what the process asks: each
// command's name and when it was sent (the suite's clock, which is the machine's), scripts by
// their SHA1. A scenario can then tell how often a worker asks Redis while it has nothing to
// do: a loop that re-checks every few ms shows as hundreds of commands a second.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { bridge } from './bridge.js';
import { freePort } from '../../helpers/process.js';

export interface TappedCommand {
  /** Date.now() of the suite when the command arrived. */
  at: number;
  /** Upper case: `EVALSHA`, `BZPOPMIN`, … */
  name: string;
  /** EVALSHA's SHA1, or the SHA1 of EVAL's script text. */
  script?: string;
}

export interface RedisTap {
  url: string;
  /** Everything sent so far, in arrival order. */
  commands(): readonly TappedCommand[];
  /** Commands that arrived in [fromMs, toMs), optionally only those `match` accepts. */
  count(fromMs: number, toMs: number, match?: (c: TappedCommand) => boolean): number;
  close(): Promise<void>;
}

export const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * Splits a client's byte stream into RESP requests (arrays of bulk strings, or inline lines)
 * and hands each one's first two arguments on. Bytes of an incomplete request are kept.
 */
export function requestParser(onRequest: (head: string[]) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  const CRLF = Buffer.from('\r\n');
  /** End offset of the request at `pos`, or -1 when it has not all arrived. */
  function one(b: Buffer, pos: number): number {
    const eol = b.indexOf(CRLF, pos);
    if (eol < 0) return -1;
    if (b[pos] !== 0x2a) {
      onRequest(b.toString('latin1', pos, eol).trim().split(/\s+/).slice(0, 2));
      return eol + 2;
    }
    const n = Number(b.toString('latin1', pos + 1, eol));
    const head: string[] = [];
    let p = eol + 2;
    for (let i = 0; i < n; i++) {
      const e = b.indexOf(CRLF, p);
      if (e < 0) return -1;
      const start = e + 2;
      const end = start + Number(b.toString('latin1', p + 1, e));
      if (end + 2 > b.length) return -1;
      if (i < 2) head.push(b.toString('latin1', start, end));
      p = end + 2;
    }
    onRequest(head);
    return p;
  }
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let pos = 0;
    while (pos < pending.length) {
      const next = one(pending, pos);
      if (next < 0) break;
      pos = next;
    }
    pending = pending.subarray(pos);
  };
}

export async function startRedisTap(target: { host: string; port: number }): Promise<RedisTap> {
  const port = await freePort();
  const seen: TappedCommand[] = [];
  const sockets = new Set<Socket>();
  const record = (head: string[]) => {
    const name = (head[0] ?? '').toUpperCase();
    const c: TappedCommand = { at: Date.now(), name };
    if (name === 'EVALSHA' && head[1]) c.script = head[1].toLowerCase();
    else if (name === 'EVAL' && head[1]) c.script = sha1(head[1]);
    seen.push(c);
  };
  const server: Server = createServer((client) => {
    const parse = requestParser(record);
    const upstream = bridge(client, target, {
      pass(chunk, toUpstream) {
        if (toUpstream) parse(chunk);
        return true;
      },
      ended: () => void (sockets.delete(client), sockets.delete(upstream)),
    });
    sockets.add(client).add(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${port}`,
    commands: () => seen,
    count: (fromMs, toMs, match) => seen.filter((c) => c.at >= fromMs && c.at < toMs && (!match || match(c))).length,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
