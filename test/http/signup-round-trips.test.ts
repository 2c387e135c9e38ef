// The signup hot path's cost in Redis round trips, seen by MONITOR: one script whatever
// the address's state, the signup gate run first inside it (it also writes the
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

  // Whatever the address's state, the same one script: the answer's timing must not tell them apart.
  it('costs one command for every state of the address: new, pending, confirmed, unsubscribed, bounced', async () => {
    await subscribe('warm@example.com'); // scripts loaded, queue connection up
    const commandsFor = async (email: string) => {
      await new Promise((r) => setTimeout(r, 200)); // the test's own commands are seen first
      seen.length = 0;
      expect((await subscribe(email)).statusCode).toBe(202);
      await new Promise((r) => setTimeout(r, 200)); // MONITOR lines arrive after the replies
      return seen.map((a) => a[0]!.toLowerCase());
    };
    const subs = stack.ctx.subscribers;
    const created = await commandsFor('new@example.com');
    expect(created, JSON.stringify(seen)).toEqual(['evalsha']);
    expect(await stack.ctx.confirmOutbox.length()).toBe(2); // warm and new: both handed over

    expect(await commandsFor('new@example.com')).toEqual(created); // pending (throttled by the 24 h rule)
    const sub = (await subs.findByEmail('new@example.com'))!;
    await subs.setStatus(sub.id, 'confirmed');
    expect(await commandsFor('new@example.com')).toEqual(created);
    await subs.setStatus(sub.id, 'unsubscribed');
    expect(await commandsFor('new@example.com')).toEqual(created);
    expect(await subs.get(sub.id)).toMatchObject({ status: 'pending', tokenVersion: 1 });
    await subs.setStatus(sub.id, 'bounced');
    expect(await commandsFor('new@example.com')).toEqual(created);
  });
});
