// The route groups beyond signup, wired from the context (archive, webhooks, operators).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { createEditionStore } from '../editions/store.js';
import { archiveRoutes } from '../http/routes/archive.js';
import { webhookRoutes } from '../http/routes/webhooks.js';
import { createLedger } from '../delivery/ledger.js';
import { opsPlugins } from '../http/ops.js';
import { createStoryPool } from '../stories/pool.js';

export function httpPlugins(ctx: AppContext): ((app: FastifyInstance) => void | Promise<void>)[] {
  const editions = createEditionStore({ redis: ctx.redis, keys: ctx.keys });
  return [
    (app) => app.register(archiveRoutes, { editions, publicUrl: ctx.config.PUBLIC_URL, brand: ctx.config.brand }),
    (app) => webhookRoutes(app, { secret: ctx.config.WEBHOOK_SECRET, subscribers: ctx.subscribers, log: ctx.log }),
    ...opsPlugins({
      redis: ctx.redis,
      keys: ctx.keys,
      queues: ctx.queues,
      editions,
      ledger: createLedger({ redis: ctx.redis, keys: ctx.keys }),
      stories: createStoryPool({ redis: ctx.redis, keys: ctx.keys }),
      subscribers: ctx.subscribers,
      sources: ctx.config.sources.feeds.map((f) => ({ id: f.id, name: f.name })),
      admin: { password: ctx.config.ADMIN_PASSWORD, readOnly: ctx.config.ADMIN_READ_ONLY },
    }),
  ];
}
