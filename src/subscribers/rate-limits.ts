// Redis-backed limits for the public endpoints, so they hold across api instances.
// Fixed windows: the first hit starts a window of `windowSec`; hits past the limit
// are refused until the key expires (Retry-After = what is left of the window).
// Keys: `<prefix>:rl:<name>:<ip or address hash>` (the layout rate-limiter-flexible used).
import type { RedisClient } from '../redis.js';
import ipaddr from 'ipaddr.js';
import type { Keyspace } from '../keys.js';
import { runScript } from '../redis.js';
import type { StoreGuard } from './store-scripts.js';

export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSec: number) {
    super('too many requests');
  }
}

/**
 * Who a per-IP limit counts: an IPv4 address (also when written ::ffff:a.b.c.d), or an
 * IPv6 client's /64, since one end site is handed a whole /64 and can use any address in it.
 */
export function limitSubject(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
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

// The whole signup check: the IP window (refused: nothing else counts), then the address
// window, then whether the address is suppressed. A store guard (store.ts StoreGuard), so
// it runs inside the signup's create script; alone for a submission that creates nothing.
// K: ip counter, address counter, suppression set. A: ip limit, ip window, address limit,
// address window, address hash. Nothing when the signup may go on, else
// {ms left for the IP or 0, address allowed 1/0, suppressed 1/0}.
const SIGNUP_GUARD = `
local function guard(K, A)
  local n = redis.call('INCR', K[1])
  if n == 1 or redis.call('PTTL', K[1]) < 0 then redis.call('EXPIRE', K[1], tonumber(A[2])) end
  if n > tonumber(A[1]) then return {math.max(redis.call('PTTL', K[1]), 1), 0, 0} end
  local a = redis.call('INCR', K[2])
  if a == 1 or redis.call('PTTL', K[2]) < 0 then redis.call('EXPIRE', K[2], tonumber(A[4])) end
  local allowed = 0
  if a <= tonumber(A[3]) then allowed = 1 end
  local suppressed = redis.call('SISMEMBER', K[3], A[5])
  if allowed == 1 and suppressed == 0 then return nil end
  return {0, allowed, suppressed}
end
`;
const SIGNUP_GATE = `${SIGNUP_GUARD}
return guard(KEYS, ARGV) or {0, 1, 0}
`;

export interface SignupGate {
  /** False when the address has been submitted too often today; the caller stays silent about it. */
  addressAllowed: boolean;
  suppressed: boolean;
}

/** The signup gate as a guard of the subscriber's create, plus how to read its stop. */
export interface SignupGuard extends StoreGuard {
  /** The create's `stopped` answer: throws RateLimitedError for the IP, else which check stopped it. */
  read(stopped: unknown[]): SignupGate;
  /** The gate on its own (a submission that creates nothing still counts). */
  alone(): Promise<SignupGate>;
}

const DAY_SEC = 86_400;

function readGate(reply: unknown[]): SignupGate {
  const [msLeft, allowed, suppressed] = reply.map(Number) as [number, number, number];
  if (msLeft > 0) throw new RateLimitedError(Math.ceil(msLeft / 1000));
  return { addressAllowed: allowed === 1, suppressed: suppressed === 1 };
}

export function createRateLimits(deps: { redis: RedisClient; keys: Keyspace }, settings: RateLimitSettings) {
  const { redis, keys } = deps;
  const key = (name: string, who: string) => `${keys.rateLimit(name)}:${who}`;
  const byIp = (name: string, ip: string) => key(name, limitSubject(ip));
  const linkPerIp = Math.max(60, settings.perIp * 3); // token pages: generous, but bounded

  async function hitByIp(name: string, ip: string, limit: number, windowSec: number): Promise<void> {
    const msLeft = Number(await runScript(redis, HIT, [byIp(name, ip)], [limit, windowSec]));
    if (msLeft > 0) throw new RateLimitedError(Math.ceil(msLeft / 1000));
  }

  return {
    /** Counts one signup attempt from this IP (used alone when the body is invalid). */
    signupByIp: (ip: string) => hitByIp('signup-ip', ip, settings.perIp, settings.windowSec),
    /** Per-IP and per-address limits and the suppression check of a valid signup, run inside its create. */
    signupGuard(ip: string, emailHash: string): SignupGuard {
      const guardKeys = [byIp('signup-ip', ip), key('signup-addr', emailHash), keys.suppression()];
      const guardArgs = [settings.perIp, settings.windowSec, settings.perAddressPerDay, DAY_SEC, emailHash];
      return {
        lua: SIGNUP_GUARD,
        keys: guardKeys,
        args: guardArgs,
        read: readGate,
        alone: async () => readGate((await runScript(redis, SIGNUP_GATE, guardKeys, guardArgs)) as unknown[]),
      };
    },
    linkByIp: (ip: string) => hitByIp('link-ip', ip, linkPerIp, settings.windowSec),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
