// /healthz says the process is up; /readyz says it can serve: Redis answers a
// PING within a deadline. Work waiting with no worker alive is reported too,
// but does not fail readiness: taking the api out of a load balancer would not
// bring a worker back, and the signup page still works.
import type { OpsPorts } from './ports.js';
import { queueCounts, warningsFor } from './overview.js';
import { REDIS_FULL_REASON } from '../redis.js';

export interface Readiness {
  ready: boolean;
  /** Why not ready (absent when ready). */
  reason?: string;
  checks: { redis: 'ok' | 'down' | 'full'; redisMs?: number };
  warnings: string[];
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(ports: Pick<OpsPorts, 'ping' | 'redisMemory' | 'heartbeats' | 'queues'>, timeoutMs = 1000): Promise<Readiness> {
  const started = performance.now();
  try {
    await within(ports.ping(), timeoutMs, 'redis');
  } catch (err) {
    const detail = err instanceof TimeoutError ? err.message : `redis unreachable (${(err as Error).message})`;
    return { ready: false, reason: detail, checks: { redis: 'down' }, warnings: [] };
  }
  const redisMs = Math.round(performance.now() - started);
  // A full Redis answers PING but refuses every write: not ready, and say why.
  const memory = await within(ports.redisMemory(), timeoutMs, 'redis INFO').catch(() => null);
  if (memory?.full) return { ready: false, reason: REDIS_FULL_REASON, checks: { redis: 'full', redisMs }, warnings: [] };
  let warnings: string[];
  try {
    const [counts, alive] = await within(Promise.all([queueCounts(ports.queues), ports.heartbeats.alive()]), timeoutMs, 'queue counts');
    warnings = warningsFor(counts, alive);
  } catch (err) {
    warnings = [`could not read queue counts: ${(err as Error).message}`];
  }
  return { ready: true, checks: { redis: 'ok', redisMs }, warnings };
}
