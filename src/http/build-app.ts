// buildApp() returns the fastify app and never listens: src/processes/api.ts
// listens, tests use app.inject().
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Brand } from '../brand.js';
import type { Logger } from '../log.js';
import type { WatchOption } from '../subscribers/choices.js';
import type { Topic } from '../topics.js';
import type { RateLimits } from '../subscribers/rate-limits.js';
import type { Subscriptions } from '../subscribers/service.js';
import { installErrorHandlers } from './errors.js';
import { signupRoutes } from './routes/signup.js';
import { subscriptionLinkRoutes } from './routes/subscription-links.js';

/** Strict by default; a route that serves rendered mail (archive) may set its own. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface HttpDeps {
  log: Logger;
  subscriptions: Subscriptions;
  rateLimits: RateLimits;
  defaults: { timezone: string; sendHour: number };
  /** Instruments a reader may watch (the configured market symbols). */
  watchOptions?: readonly WatchOption[];
  /** SITE_NAME, SITE_URL, BRAND_COLOR, LOGO_URL: shown by every page. */
  brand: Brand;
  /** The configured topics: the signup page and the preference centre offer these. */
  topics: readonly Topic[];
  allowedOrigins: string[];
  trustProxy?: boolean;
  /** Further route groups (archive, webhooks, operators), registered in order. */
  plugins?: ((app: FastifyInstance) => void | Promise<void>)[];
}

export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Request logs would carry token URLs; we log route patterns ourselves instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: deps.trustProxy ?? false,
    routerOptions: { maxParamLength: 600 },
  });

  app.decorate('brand', deps.brand);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  // Only JSON and forms are accepted; text/plain would reach handlers as a bare string.
  app.removeContentTypeParser('text/plain');
  // RFC 8058 allows the one-click body as multipart/form-data; no route needs its fields.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
    done(null, { raw: String(body) }),
  );
  await app.register(cors, {
    origin: deps.allowedOrigins.length > 0 ? deps.allowedOrigins : false,
    methods: ['POST'],
    allowedHeaders: ['Content-Type', 'Accept'],
    maxAge: 86_400,
  });

  // Callback hooks, not async ones: every response passes here (no promise per request).
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    done(null, payload);
  });
  if (deps.log.isLevelEnabled('debug')) {
    app.addHook('onResponse', (req, reply, done) => {
      req.log.debug(
        { event: 'http.request', method: req.method, route: req.routeOptions.url ?? 'not-found', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
      done();
    });
  }

  installErrorHandlers(app);
  signupRoutes(app, deps);
  subscriptionLinkRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
