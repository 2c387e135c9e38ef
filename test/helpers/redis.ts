// Real Redis for tests. Each test uses its own prefix and deletes its keys after.
import { Redis } from 'ioredis';
import { REDIS_URL } from './env.js';

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Delete every key under a prefix (SCAN, never KEYS). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** A test's context gone: its keys dropped, its connections closed (nothing when there is none). */
export async function closeTestContext(ctx: { redis: Redis; config: { KEY_PREFIX: string }; close(): Promise<void> } | undefined): Promise<void> {
  if (!ctx) return;
  await dropPrefix(ctx.redis, ctx.config.KEY_PREFIX);
  await ctx.close();
}
