// The signup hot path's cost in Redis round trips, seen by MONITOR: a new address is
// one script, the create with the signup gate run first inside it (it also writes the
// confirmation's outbox entry; the worker turns that into a job later).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { REDIS_URL } from '../helpers/env.js';

describe('signup round trips', () => {
  let stack: Stack;
  let monitor: Socket;
  const seen: string[][] = [];

  beforeAll(async () => {
    stack = await startStack({}, { workers: false });
    const prefix = stack.ctx.config.KEY_PREFIX;
    // A plain socket in MONITOR mode (ioredis' monitor trips over lines of other clients).
    const url = new URL(REDIS_URL);
    monitor = connect(Number(url.port || 6379), url.hostname);
    let buffered = '';
    monitor.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // +1795547567.97 [0 127.0.0.1:60088] "evalsha" "..." — `[0 lua]` for commands a script runs.
        const m = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
        if (!m || m[1] === 'lua') continue;
        const args = [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]!);
        if (args.some((a) => a.startsWith(prefix))) seen.push(args);
      }
    });
    monitor.write('MONITOR\r\n');
    await new Promise((resolve) => monitor.once('data', resolve));
  });
  afterAll(async () => {
    monitor.destroy();
    await stack.close();
  });

  const subscribe = (email: string) =>
    stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email }, headers: { accept: 'application/json' } });

  it('costs one command for a new address and two for a pending one', async () => {
    await subscribe('warm@example.com'); // scripts loaded, queue connection up
    await new Promise((r) => setTimeout(r, 200));
    seen.length = 0;
    expect((await subscribe('new@example.com')).statusCode).toBe(202);
    await new Promise((r) => setTimeout(r, 200)); // MONITOR lines arrive after the replies
    const created = seen.map((a) => a[0]!.toLowerCase());
    expect(created, JSON.stringify(seen)).toHaveLength(1);
    expect(await stack.ctx.confirmOutbox.length()).toBe(2); // warm and new: both handed over

    seen.length = 0;
    expect((await subscribe('new@example.com')).statusCode).toBe(202); // pending, throttled by the 24 h rule
    await new Promise((r) => setTimeout(r, 200));
    const again = seen.map((a) => a[0]!.toLowerCase());
    expect(again, JSON.stringify(seen)).toHaveLength(2); // gate + create (finds it), the 24 h claim (+ outbox when taken)
  });
});
