// Basic auth for /admin (user `admin`, ADMIN_PASSWORD). The compare is constant
// time over fixed-length digests; wrong credentials are counted per client IP (an
// IPv6 client per /64) in
// Redis (so the limit holds across api instances) and, past the limit, refused
// with 429 before the password is even looked at.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClient } from '../redis.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { parseBasicAuth, secretsEqual } from './secrets.js';
import { limitSubject } from '../subscribers/rate-limits.js';

export const ADMIN_USER = 'admin';

export interface AdminAuthOptions {
  password: string;
  redis: RedisClient;
  /** Key prefix for the failure counter (keys.rateLimit('admin-auth')). */
  limiterKey: string;
  /** Basic auth realm (the brand's name; it has no quote or backslash, see config.ts SITE_NAME). */
  realm: string;
  /** Wrong attempts allowed per IP per window (default 10 per 15 minutes). */
  maxFailures?: number;
  windowSec?: number;
}

/** Constant time whatever the lengths. */
export function credentialsMatch(given: { user: string; password: string }, password: string): boolean {
  return secretsEqual(`${given.user}\n${given.password}`, `${ADMIN_USER}\n${password}`);
}

/** A fastify onRequest hook guarding every route of the scope it is added to. */
export function adminAuthHook(options: AdminAuthOptions) {
  const points = options.maxFailures ?? 10;
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: options.limiterKey,
    points,
    duration: options.windowSec ?? 900,
  });

  const challenge = (reply: FastifyReply) =>
    reply
      .code(401)
      .header('WWW-Authenticate', `Basic realm="${options.realm}", charset="UTF-8"`)
      .header('Cache-Control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send('Authentication required');

  return async function adminAuth(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const who = limitSubject(req.ip);
    const used = await limiter.get(who);
    if (used && used.consumedPoints >= points) {
      reply.header('Retry-After', String(Math.max(1, Math.ceil(used.msBeforeNext / 1000))));
      await reply.code(429).type('text/plain; charset=utf-8').send('Too many failed logins. Try again later.');
      return;
    }
    const given = parseBasicAuth(req.headers.authorization);
    // No header is a browser asking for the prompt, not a guess: it is not counted.
    if (!given) return void (await challenge(reply));
    if (credentialsMatch(given, options.password)) return;
    try {
      await limiter.consume(who);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
    }
    req.log.warn({ event: 'admin.auth.failed', ip: req.ip }, 'admin login failed');
    await challenge(reply);
  };
}
