// The route groups beyond signup, wired from the context (archive, webhooks, operators).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { createEditionStore } from '../editions/store.js';
import { brandOf } from '../editions/settings.js';
import { archiveRoutes } from '../http/routes/archive.js';
import { webhookRoutes } from '../http/routes/webhooks.js';

export function httpPlugins(ctx: AppContext): ((app: FastifyInstance) => void | Promise<void>)[] {
  const editions = createEditionStore({ redis: ctx.redis, keys: ctx.keys });
  return [
    (app) => app.register(archiveRoutes, { editions, publicUrl: ctx.config.PUBLIC_URL, title: brandOf(ctx.config.MAIL_FROM) }),
    (app) => webhookRoutes(app, { secret: ctx.config.WEBHOOK_SECRET, subscribers: ctx.subscribers, log: ctx.log }),
  ];
}
