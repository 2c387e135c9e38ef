// Redis connections for stores (BullMQ opens its own from the context's connection
// options). Request paths (HTTP) fail fast instead of queueing commands forever.
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'request' | 'command';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    lazyConnect: false,
    connectionName: `market-digest:${role}`,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const byRole: Record<RedisRole, RedisOptions> = {
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
 * it yet (first use, or after a restart: NOSCRIPT), so hot paths do not send it each time.
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
