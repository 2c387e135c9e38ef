// The send rate as congestion control (AIMD), shared by every worker through Redis.
// A relay that throttles (421/451 or "too many" to a message) halves the rate, at most
// once per `decreaseEveryMs` so that one burst of replies to messages already in flight
// counts once; a second of sending without a throttle adds `ceiling / 20` back, up to
// SEND_RATE_PER_SEC. The rate is applied as BullMQ's global rate limit of the send queue
// (queue meta `max`, read by every worker on each job it takes). A relay that still
// throttles at the floor is treated as refusing everything: the caller pauses the queue.
import type { RedisClient } from '../redis.js';
import { runScript } from '../redis.js';

export interface AdaptiveRateOptions {
  /** SEND_RATE_PER_SEC: the rate with no throttling, and the most it ever goes to. */
  ceiling: number;
  /** The least it goes to (default 1 message a second). */
  floor?: number;
  /** Halve at most this often (default 500 ms). */
  decreaseEveryMs?: number;
  /** Add ceiling/20 at most this often, without a throttle in between (default 1000 ms). */
  increaseEveryMs?: number;
}

export interface AdaptiveRateDeps {
  redis: RedisClient;
  /** hash: rate, lastDecrease, lastIncrease (keys.sendRate()). */
  key: string;
  /** Apply a rate to every worker (the send queue's global rate limit). */
  apply(perSecond: number): Promise<unknown>;
}

export interface AdaptiveRate {
  /** The relay throttled a message. `atFloor`: it did so at the lowest rate already. */
  throttled(): Promise<{ rate: number; atFloor: boolean }>;
  /** A message went through; cheap: reaches Redis at most once per increase period per process. */
  succeeded(): void;
  /** The shared rate now (the ceiling when nothing was ever throttled). */
  current(): Promise<number>;
}

// KEYS: rate hash. ARGV: event ('throttle'|'ok'|'sync'), ceiling, floor, decreaseEveryMs, increaseEveryMs.
// Returns {rate (string), changed (0/1), wasAtFloor (0/1)}. Times by Redis's clock.
const ADAPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ceiling, floor = tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'rate', 'lastDecrease', 'lastIncrease')
local rate = math.min(tonumber(h[1] or ARGV[2]), ceiling)
local lastDecrease, lastIncrease = tonumber(h[2] or '0'), tonumber(h[3] or '0')
local before = rate
if ARGV[1] == 'throttle' then
  if now - lastDecrease >= tonumber(ARGV[4]) then
    rate = math.max(floor, rate / 2)
    redis.call('HSET', KEYS[1], 'lastDecrease', now)
  end
elseif ARGV[1] == 'ok' then
  if rate < ceiling and now - lastDecrease >= tonumber(ARGV[5]) and now - lastIncrease >= tonumber(ARGV[5]) then
    rate = math.min(ceiling, rate + math.max(1, ceiling / 20))
    redis.call('HSET', KEYS[1], 'lastIncrease', now)
  end
end
redis.call('HSET', KEYS[1], 'rate', tostring(rate))
local changed = 0
if rate ~= before or ARGV[1] == 'sync' then changed = 1 end
local wasAtFloor = 0
if before <= floor then wasAtFloor = 1 end
return {tostring(rate), changed, wasAtFloor}
`;

export function createAdaptiveRate(deps: AdaptiveRateDeps, options: AdaptiveRateOptions): AdaptiveRate {
  const ceiling = options.ceiling;
  const floor = Math.min(options.floor ?? 1, ceiling);
  const decreaseEveryMs = options.decreaseEveryMs ?? 500;
  const increaseEveryMs = options.increaseEveryMs ?? 1000;
  let lastOkReport = 0;
  let knownRate = ceiling;

  async function adapt(event: 'throttle' | 'ok' | 'sync') {
    const [rate, changed, wasAtFloor] = (await runScript(deps.redis, ADAPT, [deps.key], [event, ceiling, floor, decreaseEveryMs, increaseEveryMs])) as [string, number, number];
    knownRate = Number(rate);
    // BullMQ's limiter counts whole jobs per second.
    if (changed === 1) await deps.apply(Math.max(1, Math.floor(knownRate)));
    return { rate: knownRate, atFloor: wasAtFloor === 1 && event === 'throttle' };
  }

  const synced = adapt('sync').catch(() => undefined);
  return {
    async throttled() {
      await synced;
      return adapt('throttle');
    },
    succeeded() {
      const now = Date.now();
      // Also at the ceiling as far as this process knows: another worker may have cut the rate.
      if (now - lastOkReport < increaseEveryMs) return;
      lastOkReport = now;
      adapt('ok').catch(() => undefined); // best effort: the next success tries again
    },
    async current() {
      const rate = await deps.redis.hget(deps.key, 'rate');
      return rate === null ? ceiling : Math.min(Number(rate), ceiling);
    },
  };
}
