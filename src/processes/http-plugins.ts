// The route groups beyond signup, wired from the context (archive, webhooks, operators).
import { redisMemory } from '../redis.js';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { cancelledSlots, lastTick } from '../delivery/schedule.js';
import { archiveRoutes } from '../http/routes/archive.js';
import { webhookRoutes } from '../http/routes/webhooks.js';
import { opsPlugins, type OpsDeps } from '../http/ops.js';
import { aliveInstances } from '../ops/heartbeat.js';
import type { OpsPorts } from '../ops/ports.js';

/** What the operators' views read, each from the module that owns the data. */
export function opsPortsFor(ctx: AppContext): OpsPorts {
  const schedule = { redis: ctx.redis, keys: ctx.keys };
  return {
    ping: () => ctx.redis.ping(),
    redisMemory: () => redisMemory(ctx.redis),
    sendRate: async () => {
      const rate = await ctx.redis.hget(ctx.keys.sendRate(), 'rate');
      return rate === null ? null : Number(rate);
    },
    queues: ctx.queues,
    editions: ctx.editions,
    ledger: ctx.ledger,
    stories: ctx.stories,
    subscribers: {
      countsByStatus: () => ctx.subscribers.countsByStatus(),
      suppressionCount: () => ctx.subscribers.suppressionCount(),
      dailyCounts: (days) => ctx.subscriptions.dailyCounts(days),
    },
    schedule: { cancelledSlots: (sinceMs) => cancelledSlots(schedule, sinceMs), lastTick: () => lastTick(schedule) },
    outbox: ctx.confirmOutbox,
    heartbeats: { alive: () => aliveInstances(schedule) },
    sources: ctx.config.sources.feeds.map((f) => ({ id: f.id, name: f.name })),
  };
}

export function opsDepsFor(ctx: AppContext): OpsDeps {
  return {
    ...opsPortsFor(ctx),
    admin: {
      password: ctx.config.ADMIN_PASSWORD,
      readOnly: ctx.config.ADMIN_READ_ONLY,
      publicUrl: ctx.config.PUBLIC_URL,
      failures: { redis: ctx.redis, key: ctx.keys.rateLimit('admin-auth') },
    },
  };
}

export function httpPlugins(ctx: AppContext): ((app: FastifyInstance) => void | Promise<void>)[] {
  return [
    (app) => app.register(archiveRoutes, { editions: ctx.editions, publicUrl: ctx.config.PUBLIC_URL, brand: ctx.config.brand }),
    (app) => webhookRoutes(app, { secret: ctx.config.WEBHOOK_SECRET, subscribers: ctx.subscribers, log: ctx.log }),
    ...opsPlugins(opsDepsFor(ctx)),
  ];
}
