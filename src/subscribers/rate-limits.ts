// Redis-backed limits for the public endpoints, so they hold across api instances.
// Fixed windows: the first hit starts a window of `windowSec`; hits past the limit
// are refused until the key expires (Retry-After = what is left of the window).
// Keys: `<prefix>:rl:<name>:<ip or address hash>` (the layout rate-limiter-flexible used).
import type { RedisClient } from '../redis.js';
import ipaddr from 'ipaddr.js';
import type { Keyspace } from '../keys.js';
import { luaCommands } from '../lua.js';
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

// lua/rate-limit-hit.lua: one fixed window. lua/signup-gate.lua: the whole signup check
// (lua/signup-guard.lua: the IP window, then the address window, then suppression), alone
// for a submission that creates nothing; a valid signup runs the same guard inside its
// create script (store.ts, StoreGuard).
const commands = luaCommands(import.meta.url, {
  rateLimitHit: { file: 'lua/rate-limit-hit.lua', keys: 1 },
  signupGate: { file: 'lua/signup-gate.lua', keys: 3 },
});

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
  const lua = commands(redis);
  const key = (name: string, who: string) => `${keys.rateLimit(name)}:${who}`;
  const byIp = (name: string, ip: string) => key(name, limitSubject(ip));
  const linkPerIp = Math.max(60, settings.perIp * 3); // token pages: generous, but bounded

  async function hitByIp(name: string, ip: string, limit: number, windowSec: number): Promise<void> {
    const msLeft = Number(await lua.rateLimitHit([byIp(name, ip)], [limit, windowSec]));
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
        keys: guardKeys,
        args: guardArgs,
        read: readGate,
        alone: async () => readGate((await lua.signupGate(guardKeys, guardArgs)) as unknown[]),
      };
    },
    linkByIp: (ip: string) => hitByIp('link-ip', ip, linkPerIp, settings.windowSec),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
