import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createAdaptiveRate } from '../../src/delivery/adaptive-rate.js';
import { classifySmtpError, RelayThrottlingError, RelayUnavailableError, TransientSmtpError } from '../../src/delivery/transport/failures.js';
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
  it('halves on throttling once per burst, down to the floor, then says the relay refuses everything; rises again on success', async () => {
    const applied: number[] = [];
    const deps = { redis, key: keyspace(prefix).sendRate(), apply: async (n: number) => void applied.push(n) };
    const a = createAdaptiveRate(deps, { ceiling: 40, floor: 5, decreaseEveryMs: 60, increaseEveryMs: 60 });
    // A second process shares the rate through Redis.
    const b = createAdaptiveRate(deps, { ceiling: 40, floor: 5, decreaseEveryMs: 60, increaseEveryMs: 60 });
    expect(await a.current()).toBe(40);
    expect(await a.throttled()).toEqual({ rate: 20, atFloor: false });
    // The rest of the burst (replies to messages already in flight) counts once.
    expect(await b.throttled()).toEqual({ rate: 20, atFloor: false });
    await pause(80);
    expect((await b.throttled()).rate).toBe(10);
    await pause(80);
    expect(await a.throttled()).toEqual({ rate: 5, atFloor: false });
    await pause(80);
    expect(await a.throttled()).toEqual({ rate: 5, atFloor: true });
    expect(applied.at(-1)).toBe(5);
    // Successes add ceiling/20 per period, from any process.
    await pause(80);
    b.succeeded();
    await pause(80);
    a.succeeded();
    await pause(30);
    expect(await a.current()).toBe(9);
    expect(applied.at(-1)).toBe(9);
  });

  it('tells throttling (421/451/"too many" to a message) from a relay refusing everyone (421 at the session start)', () => {
    expect(classifySmtpError({ responseCode: 421, command: 'RCPT TO', response: '421 4.3.2 Service busy' })).toBeInstanceOf(RelayThrottlingError);
    expect(classifySmtpError({ responseCode: 451, command: 'DATA', response: '451 4.7.1 Please slow down' })).toBeInstanceOf(RelayThrottlingError);
    expect(classifySmtpError({ responseCode: 450, command: 'MAIL FROM', response: '450 4.7.0 Too many messages' })).toBeInstanceOf(RelayThrottlingError);
    expect(classifySmtpError({ responseCode: 421, command: 'CONN', response: '421 4.3.2 too busy' })).toBeInstanceOf(RelayUnavailableError);
    const mailbox = classifySmtpError({ responseCode: 450, command: 'RCPT TO', response: '450 4.2.1 Mailbox busy' });
    expect(mailbox).toBeInstanceOf(TransientSmtpError);
    expect(mailbox).not.toBeInstanceOf(RelayThrottlingError);
  });
});
