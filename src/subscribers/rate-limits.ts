// Redis-backed limits for the public endpoints, so they hold across api instances.
// Fixed windows: the first hit starts a window of `windowSec`; hits past the limit
// are refused until the key expires (Retry-After = what is left of the window).
// Keys: `<prefix>:rl:<name>:<ip or address hash>` (the layout rate-limiter-flexible used).
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keys.js';
import { runScript } from '../redis.js';

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

// KEYS: counter. ARGV: limit, window sec. Returns 0 when allowed, else ms left in the window.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if n <= tonumber(ARGV[1]) then return 0 end
return math.max(redis.call('PTTL', KEYS[1]), 1)
`;

// The whole signup check in one round trip: the IP window (refused: nothing else counts),
// then the address window, then whether the address is suppressed.
// KEYS: ip counter, address counter, suppression set. ARGV: ip limit, ip window, address limit,
// address window, address hash. Returns {ms left for the IP or 0, address allowed 1/0, suppressed 1/0}.
const SIGNUP_GATE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if n > tonumber(ARGV[1]) then return {math.max(redis.call('PTTL', KEYS[1]), 1), 0, 0} end
local a = redis.call('INCR', KEYS[2])
if a == 1 or redis.call('PTTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4])) end
local allowed = 0
if a <= tonumber(ARGV[3]) then allowed = 1 end
return {0, allowed, redis.call('SISMEMBER', KEYS[3], ARGV[5])}
`;

export interface SignupGate {
  /** False when the address has been submitted too often today; the caller stays silent about it. */
  addressAllowed: boolean;
  suppressed: boolean;
}

const DAY_SEC = 86_400;

export function createRateLimits(deps: { redis: Redis; keys: Keyspace }, settings: RateLimitSettings) {
  const { redis, keys } = deps;
  const key = (name: string, who: string) => `${keys.rateLimit(name)}:${who}`;
  const linkPerIp = Math.max(60, settings.perIp * 3); // token pages: generous, but bounded

  async function hit(name: string, who: string, limit: number, windowSec: number): Promise<void> {
    const msLeft = Number(await runScript(redis, HIT, [key(name, who)], [limit, windowSec]));
    if (msLeft > 0) throw new RateLimitedError(Math.ceil(msLeft / 1000));
  }

  return {
    /** Counts one signup attempt from this IP (used alone when the body is invalid). */
    signupByIp: (ip: string) => hit('signup-ip', ip, settings.perIp, settings.windowSec),
    /** Per-IP and per-address limits and the suppression check of a valid signup, in one round trip. */
    async signupGate(ip: string, emailHash: string): Promise<SignupGate> {
      const [msLeft, allowed, suppressed] = (await runScript(
        redis,
        SIGNUP_GATE,
        [key('signup-ip', ip), key('signup-addr', emailHash), keys.suppression()],
        [settings.perIp, settings.windowSec, settings.perAddressPerDay, DAY_SEC, emailHash],
      )) as [number, number, number];
      if (msLeft > 0) throw new RateLimitedError(Math.ceil(msLeft / 1000));
      return { addressAllowed: allowed === 1, suppressed: suppressed === 1 };
    },
    linkByIp: (ip: string) => hit('link-ip', ip, linkPerIp, settings.windowSec),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
