// The signup hot path's cost in Redis round trips, seen by MONITOR: a new address
// is the gate script, the create script and BullMQ's add of the confirmation.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { testRedis } from '../helpers/redis.js';

describe('signup round trips', () => {
  let stack: Stack;
  let monitor: Awaited<ReturnType<Redis['monitor']>>;
  const seen: string[][] = [];

  beforeAll(async () => {
    stack = await startStack({}, { workers: false });
    const redis = testRedis();
    monitor = await redis.monitor();
    redis.disconnect();
    const prefix = stack.ctx.config.KEY_PREFIX;
    // Client commands only (not those a script runs), touching this stack's keys.
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args.some((a) => a.startsWith(prefix))) seen.push(args);
    });
  });
  afterAll(async () => {
    monitor.disconnect();
    await stack.close();
  });

  const subscribe = (email: string) =>
    stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email }, headers: { accept: 'application/json' } });

  it('costs three commands for a new address and for a pending one', async () => {
    await subscribe('warm@example.com'); // scripts loaded, queue connection up
    await new Promise((r) => setTimeout(r, 200));
    seen.length = 0;
    expect((await subscribe('new@example.com')).statusCode).toBe(202);
    await new Promise((r) => setTimeout(r, 200)); // MONITOR lines arrive after the replies
    const created = seen.map((a) => a[0]!.toLowerCase());
    expect(created, JSON.stringify(seen)).toHaveLength(3);

    seen.length = 0;
    expect((await subscribe('new@example.com')).statusCode).toBe(202); // pending, throttled by the 24 h rule
    await new Promise((r) => setTimeout(r, 200));
    const again = seen.map((a) => a[0]!.toLowerCase());
    expect(again, JSON.stringify(seen)).toHaveLength(3); // gate, create (finds it), the 24 h claim
  });
});
