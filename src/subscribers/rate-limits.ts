// Redis-backed limits for the public endpoints, so they hold across api instances.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Keyspace } from '../keys.js';

export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSec: number) {
    super('too many requests');
  }
}

export interface RateLimitSettings {
  perIp: number;
  windowSec: number;
  perAddressPerDay: number;
}

export function createRateLimits(deps: { redis: Redis; keys: Keyspace }, settings: RateLimitSettings) {
  const make = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: deps.keys.rateLimit(name), points, duration });
  const signupIp = make('signup-ip', settings.perIp, settings.windowSec);
  const signupAddress = make('signup-addr', settings.perAddressPerDay, 86_400);
  // Token pages (confirm, unsubscribe, preferences, resend): generous, but bounded.
  const linkIp = make('link-ip', Math.max(60, settings.perIp * 3), settings.windowSec);

  async function consume(limiter: RateLimiterRedis, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw new RateLimitedError(Math.ceil(err.msBeforeNext / 1000));
      throw err;
    }
  }

  return {
    signupByIp: (ip: string) => consume(signupIp, ip),
    /** False when the address has been submitted too often today; the caller stays silent about it. */
    async signupByAddress(emailHash: string): Promise<boolean> {
      try {
        await consume(signupAddress, emailHash);
        return true;
      } catch (err) {
        if (err instanceof RateLimitedError) return false;
        throw err;
      }
    },
    linkByIp: (ip: string) => consume(linkIp, ip),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
