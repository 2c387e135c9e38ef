// The send rate as congestion control (AIMD), shared by every worker through Redis.
// Outcomes are counted per window (Redis's clock) of at least a second and at least
// `minSamples` outcomes, so that a share is not read from three messages. A window in which more
// than `slowShare` of the messages were throttled (421/451 or "too many" to a message) halves the
// rate; a window without a throttle adds `ceiling / 20` back, up to SEND_RATE_PER_SEC. A few
// throttles among many successes change nothing: retrying those is cheaper than slowing
// everybody (a relay that answers 421 to one message in five still takes four in five). When
// almost everything is throttled (`refusingShare`), the relay refuses everyone: the caller
// pauses the queue as for an outage. The rate is applied by `take`: a bucket of send permits
// in the same hash, filled at the rate by Redis's clock, that every worker draws from (a send
// job carries a page of readers, so BullMQ's limiter, which counts jobs, cannot pace messages).
import type { RedisClient } from '../redis.js';
import { luaCommands } from '../lua.js';

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
  /** The permit bucket holds this many seconds of the rate (default 0.2: bursts stay short). */
  burstSec?: number;
}

export interface AdaptiveRateDeps {
  redis: RedisClient;
  /** hash: rate, the current window's counts and the permit bucket (keys.sendRate()). */
  key: string;
}

/** Waiting for send permits was given up: the job's signal aborted. */
export class RateWaitAbortedError extends Error {
  override name = 'RateWaitAbortedError';
}

export interface AdaptiveRate {
  /** The relay throttled a message. `refusing`: it throttles nearly everything (pause). */
  throttled(): Promise<{ rate: number; refusing: boolean }>;
  /** A message went through; counted locally, reaches Redis at most every `flushMs` per process. */
  succeeded(): void;
  /** The shared rate now (the ceiling when nothing was ever throttled). */
  current(): Promise<number>;
  /**
   * Permits to send up to `want` messages now: resolves with how many (at least 1) once the
   * shared bucket has any; throws RateWaitAbortedError when `signal` aborts first.
   */
  take(want: number, signal?: AbortSignal): Promise<number>;
}

const commands = luaCommands(import.meta.url, {
  adaptiveRate: { file: 'lua/adaptive-rate.lua', keys: 1 },
  sendRateTake: { file: 'lua/send-rate-take.lua', keys: 1 },
});

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RateWaitAbortedError('stopped while waiting for send permits'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RateWaitAbortedError('stopped while waiting for send permits'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createAdaptiveRate(deps: AdaptiveRateDeps, options: AdaptiveRateOptions): AdaptiveRate {
  const ceiling = options.ceiling;
  const args = [ceiling, Math.min(options.floor ?? 1, ceiling), options.windowMs ?? 1000, options.slowShare ?? 0.35, options.refusingShare ?? 0.9, options.minSamples ?? 20];
  const lua = commands(deps.redis);
  let pendingOk = 0;
  let flushing = false;

  async function adapt(oks: number, throttles: number) {
    const [rate, verdict] = (await lua.adaptiveRate([deps.key], [oks, throttles, ...args])) as [string, string];
    return { rate: Number(rate), refusing: verdict === 'refusing' };
  }

  return {
    async throttled() {
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
    async take(want, signal) {
      for (;;) {
        if (signal?.aborted) throw new RateWaitAbortedError('stopped while waiting for send permits');
        const [granted, waitMs] = (await lua.sendRateTake([deps.key], [ceiling, Math.max(1, want), options.burstSec ?? 0.2])) as [number, number, string];
        if (granted > 0) return granted;
        await sleep(waitMs, signal);
      }
    },
  };
}
