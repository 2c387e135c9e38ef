// The send rate as congestion control (AIMD), shared by every worker through Redis.
// Outcomes are counted per window (Redis's clock) of at least a second and at least
// `minSamples` outcomes, so that a share is not read from three messages. A window in which more
// than `slowShare` of the messages were throttled (421/451 or "too many" to a message) halves the
// rate; a window without a throttle adds `ceiling / 20` back, up to SEND_RATE_PER_SEC. A few
// throttles among many successes change nothing: retrying those is cheaper than slowing
// everybody (a relay that answers 421 to one message in five still takes four in five). When
// almost everything is throttled (`refusingShare`), the relay refuses everyone: the caller
// pauses the queue as for an outage. The rate is applied as BullMQ's global rate limit of the
// send queue (queue meta `max`, read by every worker for each job it takes).
import type { RedisClient } from '../redis.js';
import { runScript } from '../redis.js';

export interface AdaptiveRateOptions {
  /** SEND_RATE_PER_SEC: the rate with no throttling, and the most it ever goes to. */
  ceiling: number;
  /** The least it goes to (default 1 message a second). */
  floor?: number;
  /** Length of a counting window (default 1000 ms). */
  windowMs?: number;
  /** Throttled share of a window above which the rate halves (default 0.35). */
  slowShare?: number;
  /** Outcomes a window needs before it is judged (default 20; a clean window is judged at once). */
  minSamples?: number;
  /** Throttled share (of at least 5) at which the relay counts as refusing everyone (default 0.9). */
  refusingShare?: number;
  /** Successes are sent to Redis in one call at most this often per process (default 250 ms). */
  flushMs?: number;
}

export interface AdaptiveRateDeps {
  redis: RedisClient;
  /** hash: rate and the current window's counts (keys.sendRate()). */
  key: string;
  /** Apply a rate to every worker (the send queue's global rate limit). */
  apply(perSecond: number): Promise<unknown>;
}

export interface AdaptiveRate {
  /** The relay throttled a message. `refusing`: it throttles nearly everything (pause). */
  throttled(): Promise<{ rate: number; refusing: boolean }>;
  /** A message went through; counted locally, reaches Redis at most every `flushMs` per process. */
  succeeded(): void;
  /** The shared rate now (the ceiling when nothing was ever throttled). */
  current(): Promise<number>;
}

// KEYS: rate hash. ARGV: oks, throttles, ceiling, floor, windowMs, slowShare, refusingShare, minSamples,
// apply ('1': report the rate as changed, so the caller applies it: a process starting).
// Returns {rate (string), changed (0/1), verdict ('same'|'slower'|'faster'|'refusing')}.
const ADAPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ceiling, floor = tonumber(ARGV[3]), tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'rate', 'windowStart', 'windowOk', 'windowThrottled')
local rate = math.min(tonumber(h[1] or ARGV[3]), ceiling)
local before = rate
local start = tonumber(h[2] or tostring(now))
local ok = tonumber(h[3] or '0') + tonumber(ARGV[1])
local th = tonumber(h[4] or '0') + tonumber(ARGV[2])
local verdict = 'same'
local closed = false
if th >= 5 and th / (ok + th) >= tonumber(ARGV[7]) then
  rate, verdict, closed = floor, 'refusing', true
elseif now - start >= tonumber(ARGV[5]) and (th == 0 or ok + th >= tonumber(ARGV[8])) then
  if th >= 2 and th / (ok + th) > tonumber(ARGV[6]) then
    rate, verdict = math.max(floor, rate / 2), 'slower'
  elseif th == 0 and ok > 0 and rate < ceiling then
    rate, verdict = math.min(ceiling, rate + math.max(1, ceiling / 20)), 'faster'
  end
  closed = true
end
if closed then ok, th, start = 0, 0, now end
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'windowStart', start, 'windowOk', ok, 'windowThrottled', th)
local changed = 0
if rate ~= before or ARGV[9] == '1' then changed = 1 end
return {tostring(rate), changed, verdict}
`;

export function createAdaptiveRate(deps: AdaptiveRateDeps, options: AdaptiveRateOptions): AdaptiveRate {
  const ceiling = options.ceiling;
  const args = [ceiling, Math.min(options.floor ?? 1, ceiling), options.windowMs ?? 1000, options.slowShare ?? 0.35, options.refusingShare ?? 0.9, options.minSamples ?? 20];
  let pendingOk = 0;
  let flushing = false;

  async function adapt(oks: number, throttles: number, apply = false) {
    const [rate, changed, verdict] = (await runScript(deps.redis, ADAPT, [deps.key], [oks, throttles, ...args, apply ? '1' : '0'])) as [string, number, string];
    // BullMQ's limiter counts whole jobs per second.
    if (changed === 1) await deps.apply(Math.max(1, Math.floor(Number(rate))));
    return { rate: Number(rate), refusing: verdict === 'refusing' };
  }

  // Apply the stored rate (clamped to this process's ceiling) once at start.
  const synced = adapt(0, 0, true).catch(() => undefined);
  return {
    async throttled() {
      await synced;
      const oks = pendingOk;
      pendingOk = 0;
      return adapt(oks, 1);
    },
    succeeded() {
      pendingOk += 1;
      if (flushing) return;
      flushing = true;
      setTimeout(() => {
        const oks = pendingOk;
        pendingOk = 0;
        adapt(oks, 0)
          .catch(() => undefined) // best effort: counts of one window
          .finally(() => (flushing = false));
      }, options.flushMs ?? 250).unref();
    },
    async current() {
      const rate = await deps.redis.hget(deps.key, 'rate');
      return rate === null ? ceiling : Math.min(Number(rate), ceiling);
    },
  };
}
