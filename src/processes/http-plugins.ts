// The route groups beyond signup, wired from the context (archive, webhooks, operators).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { archiveRoutes } from '../http/routes/archive.js';
import { webhookRoutes } from '../http/routes/webhooks.js';
import { opsPlugins } from '../http/ops.js';

export function httpPlugins(ctx: AppContext): ((app: FastifyInstance) => void | Promise<void>)[] {
  const { editions } = ctx;
  return [
    (app) => app.register(archiveRoutes, { editions, publicUrl: ctx.config.PUBLIC_URL, brand: ctx.config.brand }),
    (app) => webhookRoutes(app, { secret: ctx.config.WEBHOOK_SECRET, subscribers: ctx.subscribers, log: ctx.log }),
    ...opsPlugins({
      redis: ctx.redis,
      keys: ctx.keys,
      queues: ctx.queues,
      editions,
      ledger: ctx.ledger,
      stories: ctx.stories,
      subscribers: ctx.subscribers,
      sources: ctx.config.sources.feeds.map((f) => ({ id: f.id, name: f.name })),
      admin: { password: ctx.config.ADMIN_PASSWORD, readOnly: ctx.config.ADMIN_READ_ONLY },
    }),
  ];
}
