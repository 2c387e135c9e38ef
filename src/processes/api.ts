// The api process: the only place that listens on a port.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { buildApp, type HttpTimeouts } from '../http/build-app.js';
import { httpPlugins } from './http-plugins.js';
import { watchOptions } from '../stories/sources-schema.js';

export interface Running {
  close(): Promise<void>;
}

/** `timeouts`: HTTP_TIMEOUTS unless a test shortens them. */
export async function createHttpApp(ctx: AppContext, options: { timeouts?: Partial<HttpTimeouts> } = {}): Promise<FastifyInstance> {
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
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
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
