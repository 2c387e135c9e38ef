// The api process: the only place that listens on a port.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { buildApp } from '../http/build-app.js';
import { httpPlugins } from './http-plugins.js';
import { watchOptions } from '../stories/sources-schema.js';

export interface Running {
  close(): Promise<void>;
}

export async function createHttpApp(ctx: AppContext): Promise<FastifyInstance> {
  const { config } = ctx;
  return buildApp({
    log: ctx.log,
    subscriptions: ctx.subscriptions,
    rateLimits: ctx.rateLimits,
    defaults: { timezone: config.DEFAULT_TIMEZONE, sendHour: config.DEFAULT_SEND_HOUR },
    brand: config.brand,
    topics: config.sources.topics,
    watchOptions: watchOptions(config.sources),
    allowedOrigins: config.ALLOWED_ORIGINS,
    trustProxy: config.TRUST_PROXY,
    plugins: httpPlugins(ctx),
  });
}

export async function startApi(ctx: AppContext): Promise<Running & { url: string }> {
  const app = await createHttpApp(ctx);
  const url = await app.listen({ port: ctx.config.PORT, host: ctx.config.HOST });
  ctx.log.info({ event: 'api.listening', url }, 'api listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => (closing ??= app.close()),
  };
}
