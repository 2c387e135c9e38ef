// What the CLI prints about feeds is someone else's text: it reaches the operator's
// terminal without control characters (escape sequences, C1 CSI, bidi overrides).
import { mkdtempSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalOutput } from '../../src/cli/output.js';
import { REDIS_URL, TEST_SECRET, uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { startDigest } from '../helpers/process.js';

// C0 (ESC, BEL), C1 (CSI U+009B, NEL U+0085), DEL, bidi override and isolate, zero-width.
const HOSTILE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b]/;

describe('terminal output', () => {
  it('removes control characters from every stream and keeps tabs, line feeds and text', () => {
    const out: string[] = [];
    const err: string[] = [];
    const o = terminalOutput({ write: (t: string) => out.push(t) }, { write: (t: string) => err.push(t) });
    o.line('title \u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil\u2066 ok\tcol');
    o.raw('a\u0085b\u007f\n');
    o.err('x\u001b[1my');
    expect(o.usage('digest \u001b[5m')).toBe(2);
    expect(out).toEqual(['title ]0;pwned[2J31mevil ok\tcol\n', 'ab\n']);
    expect(err).toEqual(['x[1my\n', 'usage: digest [5m\n']);
  });

  describe('digest sources check and ingest --wait against hostile feeds', () => {
    let server: net.Server;
    let dir: string;
    const prefix = uniquePrefix('term');
    beforeAll(async () => {
      // Raw bytes on the wire: a C1 CSI (0x9b) and a right-to-left override (UTF-8, read as latin1) in a header.
      server = net.createServer((socket) => {
        socket.once('data', () => {
          socket.end(Buffer.concat([
            Buffer.from('HTTP/1.1 429 Too Many\r\nretry-after: '),
            Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x20, 0xe2, 0x80, 0xae, 0x78, 0x85]),
            Buffer.from('\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
          ]));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      dir = mkdtempSync(join(tmpdir(), 'md-term-'));
      writeFileSync(join(dir, 'sources.json'), JSON.stringify({
        feeds: [{ id: 'hostile', name: 'Hostile', url: `http://127.0.0.1:${port}/feed`, section: 'markets', allowPrivate: true }],
      }));
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      const redis = testRedis();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });

    it.each([[['sources', 'check']], [['ingest', '--wait']]])('%j prints the error without control characters', async (args) => {
      const run = startDigest(args, { REDIS_URL, KEY_PREFIX: prefix, SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent', SOURCES_FILE: join(dir, 'sources.json') });
      const code = await run.stop('SIGCONT');
      const printed = run.output();
      expect(printed).toMatch(/hostile\s+unhealthy/);
      expect(printed).toContain('HTTP 429 (retry-after');
      expect(printed).not.toMatch(HOSTILE);
      expect([0, 1]).toContain(code);
    }, 60_000);
  });
});
