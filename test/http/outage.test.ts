// When Redis is unreachable the api says so without leaking internals, and loses nothing it accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { createHttpApp } from '../../src/processes/api.js';
import type { FastifyInstance } from 'fastify';
import { testConfig } from '../helpers/env.js';

describe('api with Redis down', () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  beforeAll(async () => {
    ctx = createContext(testConfig({ REDIS_URL: 'redis://127.0.0.1:1' }), { name: 'outage', redisRole: 'request' });
    app = await createHttpApp(ctx);
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  it('answers 503 with a plain message, never a stack or a Redis error', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'a@example.com' }, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'unavailable', message: 'The service is busy or down for a moment. Please try again shortly.' });
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).not.toMatch(/ECONNREFUSED|redis|ioredis|at \w+ \(/i);
  }, 20_000);

  it('still serves the signup page and readiness says why it is not ready', async () => {
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
  }, 20_000);
});
