import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { createContext, type AppContext } from '../../src/context.js';
import { webhookRoutes } from '../../src/http/routes/webhooks.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix } from '../helpers/redis.js';
import { seedReaders } from './fixtures/harness.js';

const SECRET = 'webhook-secret-0123456789';
let ctx: AppContext;
let app: FastifyInstance;

beforeEach(async () => {
  ctx = createContext(testConfig(), { name: 'webhooks' });
  app = Fastify();
  webhookRoutes(app, { secret: SECRET, subscribers: ctx.subscribers, log: ctx.log });
  await seedReaders(ctx.subscribers, 3);
});
afterEach(async () => {
  await app.close();
  await dropPrefix(ctx.redis, ctx.config.KEY_PREFIX);
  await ctx.close();
});

const basic = (password: string) => `Basic ${Buffer.from(`postmark:${password}`).toString('base64')}`;

describe('POST /webhooks/bounces', () => {
  it('Postmark hard bounce and spam complaint suppress the address and set the status', async () => {
    const bounce = { RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, Email: 'R00000@Example.test', Description: 'gone' };
    const res = await app.inject({ method: 'POST', url: '/webhooks/bounces', headers: { authorization: basic(SECRET) }, payload: bounce });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 1, suppressed: 1 });
    expect(await ctx.subscribers.isSuppressed('r00000@example.test')).toBe(true);
    expect((await ctx.subscribers.findByEmail('r00000@example.test'))?.status).toBe('bounced');

    const complaint = { RecordType: 'SpamComplaint', Email: 'r00001@example.test' };
    await app.inject({ method: 'POST', url: '/webhooks/bounces', headers: { authorization: basic(SECRET) }, payload: complaint });
    expect((await ctx.subscribers.findByEmail('r00001@example.test'))?.status).toBe('complained');
    // Complained readers leave the confirmed index: the next fan-out does not see them.
    expect(await ctx.subscribers.pageConfirmed(null, 10)).toHaveLength(1);
  });

  it('a Postmark soft bounce changes nothing; the generic shape works with the header secret', async () => {
    const soft = { RecordType: 'Bounce', Type: 'SoftBounce', Email: 'r00002@example.test' };
    const res = await app.inject({ method: 'POST', url: '/webhooks/bounces', headers: { authorization: basic(SECRET) }, payload: soft });
    expect(res.json()).toEqual({ received: 1, suppressed: 0 });
    expect(await ctx.subscribers.isSuppressed('r00002@example.test')).toBe(false);

    const generic = [{ type: 'bounce', email: 'r00002@example.test', reason: 'mailbox full forever' }, { type: 'complaint', email: 'nobody@example.test' }];
    const res2 = await app.inject({ method: 'POST', url: '/webhooks/bounces', headers: { 'x-webhook-secret': SECRET }, payload: generic });
    expect(res2.json()).toEqual({ received: 2, suppressed: 2 });
    expect((await ctx.subscribers.findByEmail('r00002@example.test'))?.status).toBe('bounced');
    expect(await ctx.subscribers.isSuppressed('nobody@example.test')).toBe(true);
  });

  it('rejects a wrong or missing secret and an unknown body', async () => {
    const payload = { type: 'bounce', email: 'r00000@example.test' };
    expect((await app.inject({ method: 'POST', url: '/webhooks/bounces', payload })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/webhooks/bounces', headers: { authorization: basic('wrong') }, payload })).statusCode).toBe(401);
    expect(await ctx.subscribers.isSuppressed('r00000@example.test')).toBe(false);
    const bad = await app.inject({ method: 'POST', url: '/webhooks/bounces', headers: { 'x-webhook-secret': SECRET }, payload: { hello: 1 } });
    expect(bad.statusCode).toBe(400);
  });

  it('is off (404) without WEBHOOK_SECRET', async () => {
    const off = Fastify();
    webhookRoutes(off, { secret: undefined, subscribers: ctx.subscribers, log: ctx.log });
    const res = await off.inject({ method: 'POST', url: '/webhooks/bounces', headers: { 'x-webhook-secret': '' }, payload: {} });
    expect(res.statusCode).toBe(404);
    await off.close();
  });
});
