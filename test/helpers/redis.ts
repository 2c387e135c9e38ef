// Real Redis for tests. Each test uses its own prefix and deletes its keys after.
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../../src/redis.js';
import { REDIS_URL } from './env.js';

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Delete every key under a prefix (SCAN, never KEYS), on every master of a cluster. */
export async function dropPrefix(redis: RedisClient, prefix: string): Promise<void> {
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      // In a cluster the keys of one SCAN page may sit in different slots: one call per key there.
      if (redis instanceof Cluster) for (const key of keys) await node.unlink(key);
      else await node.unlink(...keys);
    } while (cursor !== '0');
  }
}

/** A test's context gone: its keys dropped, its connections closed (nothing when there is none). */
export async function closeTestContext(ctx: { redis: RedisClient; config: { KEY_PREFIX: string }; close(): Promise<void> } | undefined): Promise<void> {
  if (!ctx) return;
  await dropPrefix(ctx.redis, ctx.config.KEY_PREFIX);
  await ctx.close();
}
