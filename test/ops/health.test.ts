// /healthz and /readyz, and heartbeats telling "jobs waiting" from "nobody to run them".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedis } from '../../src/redis.js';
import { aliveInstances, beat, startHeartbeat } from '../../src/ops/heartbeat.js';
import { startOps, type OpsStack } from './helpers.js';

let stack: OpsStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('health', () => {
  it('/healthz answers and /readyz is ready with Redis up', async () => {
    stack = await startOps();
    const health = await stack.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await stack.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok' }, warnings: [] });
  });

  it('/readyz is 503 with a reason when Redis is unreachable, and /healthz still 200', async () => {
    const dead = createRedis({ kind: 'single', url: 'redis://127.0.0.1:1' }, 'request');
    dead.on('error', () => {});
    stack = await startOps({}, { ping: () => dead.ping() });
    const started = Date.now();
    const res = await stack.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', checks: { redis: 'down' } });
    expect(res.json().reason).toMatch(/redis/i);
    expect(Date.now() - started).toBeLessThan(2500);
    expect((await stack.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    dead.disconnect();
  });

  it('warns about waiting jobs while no worker heartbeat is alive, and stops once one is', async () => {
    stack = await startOps();
    await stack.ctx.queues.send.add('send', { editionId: 'e1', subscriberId: '1' });
    const before = (await stack.app.inject({ url: '/readyz' })).json();
    expect(before.status).toBe('ready');
    expect(before.warnings).toEqual(['send: 1 job(s) waiting but no worker alive']);
    const overview = await stack.app.inject({ url: '/admin', headers: { authorization: `Basic ${Buffer.from('admin:correct horse battery').toString('base64')}` } });
    expect(overview.body).toContain('send: 1 job(s) waiting but no worker alive');

    const hb = startHeartbeat({ redis: stack.ctx.redis, keys: stack.ctx.keys }, 'worker', 'w1', 1000);
    await expect.poll(async () => (await stack!.deps.heartbeats.alive()).length).toBe(1);
    expect((await stack.app.inject({ url: '/readyz' })).json().warnings).toEqual([]);
    await hb.stop();
    await hb.stop();
    expect(await stack.deps.heartbeats.alive()).toEqual([]);
    expect(await stack.ctx.redis.exists(stack.ctx.keys.heartbeat('worker', 'w1'))).toBe(0);
  });
});

describe('heartbeat', () => {
  it('expires after three missed beats', async () => {
    stack = await startOps();
    const deps = { redis: stack.ctx.redis, keys: stack.ctx.keys };
    const started = Date.now();
    await beat(deps, 'scheduler', 's1', 100);
    const alive = (await aliveInstances(deps)).map((a) => `${a.role}/${a.id}`);
    if (Date.now() - started < 300) expect(alive).toEqual(['scheduler/s1']);
    await expect.poll(() => aliveInstances(deps), { timeout: 2000, interval: 50 }).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await beat(deps, 'scheduler', 's1', 1000);
    expect(await stack.ctx.redis.pttl(stack.ctx.keys.heartbeat('scheduler', 's1'))).toBeGreaterThan(2000);
  });

  it("is judged by Redis's clock: a process whose clock is 2 minutes off, ahead or behind, counts as alive", async () => {
    stack = await startOps();
    const deps = { redis: stack.ctx.redis, keys: stack.ctx.keys };
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() - 120_000);
      await beat(deps, 'worker', 'behind', 1000);
      vi.setSystemTime(Date.now() + 240_000);
      await beat(deps, 'worker', 'ahead', 1000);
    } finally {
      vi.useRealTimers();
    }
    const expiries = await aliveInstances(deps);
    expect(expiries.map((a) => a.id).sort()).toEqual(['ahead', 'behind']);
    for (const a of expiries) expect(Math.abs(a.expiresAt - (Date.now() + 3000))).toBeLessThan(1000);
    // Read from a process 2 minutes behind: the same answer.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() - 120_000);
      expect((await stack.deps.heartbeats.alive()).length).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
