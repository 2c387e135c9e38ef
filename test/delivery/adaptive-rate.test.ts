import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createAdaptiveRate } from '../../src/delivery/adaptive-rate.js';
import { RelayThrottlingError, RelayUnavailableError, TransientDeliveryError } from '../../src/delivery/transport/failures.js';
import { classifySmtpError } from '../../src/delivery/transport/smtp-transport.js';
import { keyspace } from '../../src/keys.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { uniquePrefix } from '../helpers/env.js';

let redis: Redis;
let prefix: string;
beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('rate');
});
afterEach(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('adaptive send rate (AIMD through Redis)', () => {
  it('halves when a window is mostly throttled, shrugs off a few throttles among many successes, rises on success, and knows a relay that refuses everyone', async () => {
    const deps = { redis, key: keyspace(prefix).sendRate() };
    const options = { ceiling: 40, floor: 5, windowMs: 400, flushMs: 20, minSamples: 4 };
    const a = createAdaptiveRate(deps, options);
    const b = createAdaptiveRate(deps, options); // a second process shares the rate through Redis
    expect(await a.current()).toBe(40);
    for (let i = 0; i < 3; i++) expect(await a.throttled()).toEqual({ rate: 40, refusing: false });
    await pause(420);
    expect(await b.throttled()).toEqual({ rate: 20, refusing: false }); // 4 of 4 throttled in the window

    for (let i = 0; i < 20; i++) a.succeeded();
    await pause(60); // counted and flushed, in the same window as the throttles below
    await b.throttled();
    await pause(420);
    expect(await b.throttled()).toEqual({ rate: 20, refusing: false }); // 2 of 22: retry them, do not slow down

    await pause(420);
    for (let i = 0; i < 5; i++) b.succeeded(); // closes the window, which had no throttle
    await pause(60);
    expect(await a.current()).toBe(22); // a clean window adds ceiling/20

    let last = { rate: 0, refusing: false };
    for (let i = 0; i < 5; i++) last = await a.throttled();
    expect(last).toEqual({ rate: 5, refusing: true });
  });

  it('paces every process with permits from one bucket filled at the shared rate, by Redis\'s clock', async () => {
    const deps = { redis, key: keyspace(prefix).sendRate() };
    const a = createAdaptiveRate(deps, { ceiling: 200, burstSec: 0.1 });
    const b = createAdaptiveRate(deps, { ceiling: 200, burstSec: 0.1 });
    // A fresh bucket holds 0.1 s of the rate: 20 permits, then they come at 200 a second.
    expect(await a.take(100)).toBe(20);
    const t0 = performance.now();
    let got = 0;
    while (got < 100) got += await (got % 2 ? a : b).take(100 - got);
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeGreaterThan(0.4); // 100 permits at 200/s, shared by both: ~0.5 s
    // A halved rate (throttling) fills the bucket at half the speed.
    await redis.hset(deps.key, 'rate', '20');
    const slow = createAdaptiveRate(deps, { ceiling: 200, burstSec: 0.1 });
    await pause(200);
    expect(await slow.take(50)).toBeLessThanOrEqual(2); // 0.1 s of 20/s
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await slow.take(1); // the bucket is empty now: the next permit is 50 ms away
    await expect(slow.take(1, controller.signal)).rejects.toThrow(/permits/);
  });

  it('tells throttling (421/451/"too many" to a message) from a relay refusing everyone (421 at the session start)', () => {
    expect(classifySmtpError({ responseCode: 421, command: 'RCPT TO', response: '421 4.3.2 Service busy' })).toBeInstanceOf(RelayThrottlingError);
    expect(classifySmtpError({ responseCode: 451, command: 'DATA', response: '451 4.7.1 Please slow down' })).toBeInstanceOf(RelayThrottlingError);
    expect(classifySmtpError({ responseCode: 450, command: 'MAIL FROM', response: '450 4.7.0 Too many messages' })).toBeInstanceOf(RelayThrottlingError);
    expect(classifySmtpError({ responseCode: 421, command: 'CONN', response: '421 4.3.2 too busy' })).toBeInstanceOf(RelayUnavailableError);
    const mailbox = classifySmtpError({ responseCode: 450, command: 'RCPT TO', response: '450 4.2.1 Mailbox busy' });
    expect(mailbox).toBeInstanceOf(TransientDeliveryError);
    expect(mailbox).not.toBeInstanceOf(RelayThrottlingError);
  });
});
