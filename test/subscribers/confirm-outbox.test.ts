// The confirmation hand-off: the signup's create writes the outbox entry in the same
// step as the record; a drain turns entries into system-mail jobs, and a drainer that
// dies or stalls half-way neither loses nor duplicates a confirmation.
import type { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { createConfirmOutbox, startOutboxDrain } from '../../src/subscribers/confirm-outbox.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';

const meta = { ip: '127.0.0.1', userAgent: 'test', source: 'test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('confirmation outbox', () => {
  let ctx: AppContext;
  let queue: Queue;

  beforeEach(() => {
    ctx = createContext(testConfig(), { name: 'test' });
    queue = ctx.queues['system-mail'];
  });
  afterEach(async () => {
    await ctx.close();
    const redis = testRedis();
    await dropPrefix(redis, ctx.config.KEY_PREFIX);
    redis.disconnect();
  });

  const outboxEntries = () => ctx.redis.lrange(ctx.keys.confirmOutbox(), 0, -1);
  const claimKey = (n: number) => `${ctx.keys.prefix}:test-claim:${n}`;

  it('a new signup writes its entry with the record; the drain makes it a confirm job, once', async () => {
    expect(await ctx.subscriptions.subscribe({ email: 'new@example.com' }, meta)).toBe('created');
    const sub = (await ctx.subscribers.findByEmail('new@example.com'))!;
    const entries = await outboxEntries();
    expect(entries).toEqual([`${sub.id}:${Date.parse(sub.createdAt)}`]);
    expect(await queue.count()).toBe(0);

    // Pending and within 24 h: no second entry.
    expect(await ctx.subscriptions.subscribe({ email: 'new@example.com' }, meta)).toBe('pending-throttled');
    expect(await ctx.confirmOutbox.length()).toBe(1);

    expect(await ctx.confirmOutbox.drain()).toBe(1);
    expect(await ctx.confirmOutbox.length()).toBe(0);
    const [job] = await queue.getJobs(['wait']);
    expect(job!.name).toBe('confirm');
    expect(job!.data).toEqual({ kind: 'confirm', subscriberId: sub.id });
    expect(job!.id).toBe(`confirm-${sub.id}-${Date.parse(sub.createdAt)}`);
    expect(await ctx.confirmOutbox.drain()).toBe(0); // idle
  });

  it('a drainer that dies after adding and before trimming loses nothing and duplicates nothing', async () => {
    const crashing = createConfirmOutbox({
      redis: ctx.redis, keys: ctx.keys, log: ctx.log, lockMs: 200,
      queue: { addBulk: async (jobs) => { await queue.addBulk(jobs); throw new Error('killed'); } },
    });
    for (const n of [1, 2, 3]) expect(await crashing.claimAndAppend(claimKey(n), 60, `00000000000${n}`, new Date(1_000 + n))).toBe(true);
    expect(await crashing.claimAndAppend(claimKey(1), 60, '000000000001', new Date())).toBe(false); // the 24 h claim holds

    await expect(crashing.drain()).rejects.toThrow('killed');
    expect(await queue.count()).toBe(3);
    expect(await ctx.confirmOutbox.length()).toBe(3);

    expect(await ctx.confirmOutbox.drain()).toBe(0); // the dead drainer's lock still holds
    await sleep(250);
    expect(await ctx.confirmOutbox.drain()).toBe(3); // handed over again: same job ids
    expect(await queue.count()).toBe(3);
    expect(await ctx.confirmOutbox.length()).toBe(0);
  });

  it('a drainer that stalls past its lock trims nothing another one has not handed over', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    const slow = createConfirmOutbox({
      redis: ctx.redis, keys: ctx.keys, log: ctx.log, lockMs: 100,
      queue: { addBulk: async (jobs) => { await stalled; return queue.addBulk(jobs); } },
    });
    for (const n of [1, 2]) await slow.claimAndAppend(claimKey(n), 60, `00000000000${n}`, new Date(1_000 + n));
    const first = slow.drain();
    await sleep(150);
    expect(await ctx.confirmOutbox.drain()).toBe(2); // took over after the lock expired
    await ctx.confirmOutbox.claimAndAppend(claimKey(3), 60, '000000000003', new Date(1_003));
    release();
    expect(await first).toBe(2);
    expect(await outboxEntries()).toEqual(['000000000003:1003']); // the slow drainer's trim was refused
    expect(await queue.count()).toBe(2);
  });

  it('skips an entry it cannot read, with a warning, and still trims it', async () => {
    await ctx.redis.rpush(ctx.keys.confirmOutbox(), 'garbage', '000000000007:1234');
    expect(await ctx.confirmOutbox.drain()).toBe(1);
    expect(await ctx.confirmOutbox.length()).toBe(0);
    expect((await queue.getJobs(['wait'])).map((j) => j.id)).toEqual(['confirm-000000000007-1234']);
  });

  it('the drain loop hands entries over by itself and gives its lock up on stop', async () => {
    const loop = startOutboxDrain(ctx.confirmOutbox, ctx.log, { intervalMs: 20 });
    try {
      await ctx.confirmOutbox.claimAndAppend(claimKey(1), 60, '000000000001', new Date());
      await expect.poll(() => queue.count(), { timeout: 5_000 }).toBe(1);
    } finally {
      await loop.stop();
      await loop.stop(); // safe twice
    }
    expect(await ctx.redis.exists(ctx.keys.confirmOutboxLock())).toBe(0);
    expect(await ctx.confirmOutbox.length()).toBe(0);
  });
});
