// Redis connections. BullMQ workers need maxRetriesPerRequest: null (block until
// Redis is back); request paths (HTTP) fail fast instead of queueing commands forever.
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'request' | 'command';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    lazyConnect: false,
    connectionName: `market-digest:${role}`,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const byRole: Record<RedisRole, RedisOptions> = {
    worker: { maxRetriesPerRequest: null, enableReadyCheck: false },
    request: { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000, commandTimeout: 5000 },
    command: { maxRetriesPerRequest: 3 },
  };
  return new Redis(url, { ...base, ...byRole[role], ...extra });
}

/** Quit politely; disconnect if Redis does not answer. Safe to call twice. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // already closing
  }
  client.disconnect();
}

const shas = new Map<string, string>();

/**
 * Run a Lua script by SHA (EVALSHA), sending its text only when Redis does not know
 * it yet (first use, or after a restart: NOSCRIPT). Sending the text with every call
 * was a measurable share of the hot paths' CPU.
 */
export async function runScript(redis: Redis, script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

/**
 * True when Redis is away or cannot take writes for now (connection lost, retries spent,
 * loading, a replica mid-failover, cluster reshaping, out of memory): the same command may
 * succeed later. Anything else (a script error, a wrong type) will not.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS|BUSY)\b|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Command timed out|Failed to refresh slots cache|None of the sentinels are available|All sentinels are unreachable/.test(err.message);
}

/**
 * Run `write` until Redis takes it: for outcomes that already happened outside Redis (a relay
 * accepted a message) and must not be lost because Redis was away for a moment. Gives up only
 * after `giveUpMs` or when `stop` aborts (process closing), rethrowing the last error.
 */
export async function untilWritten<T>(write: () => Promise<T>, options: { giveUpMs?: number; stop?: AbortSignal; onRetry?: (err: Error, attempt: number) => void } = {}): Promise<T> {
  const deadline = Date.now() + (options.giveUpMs ?? 600_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isRedisUnavailable(err) || Date.now() >= deadline || options.stop?.aborted) throw err;
      options.onRetry?.(err as Error, attempt);
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(attempt, 6), 5000)));
    }
  }
}
