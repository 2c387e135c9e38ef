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
import { installErrorHandlers, sendProblem } from './errors.js';
import { signupRoutes } from './routes/signup.js';
import { subscriptionLinkRoutes } from './routes/subscription-links.js';
import { applySecurityHeaders, clientErrorHandler } from './security-headers.js';
import { trustProxyFn, type TrustProxy } from './trust-proxy.js';

/**
 * How long a client may take. A body trickled a byte at a time is cut at `requestMs`;
 * headers at `headersMs`; an idle socket at `idleMs`; a kept-alive one at `keepAliveMs`.
 * Node checks the first two every `checkMs`.
 */
export interface HttpTimeouts {
  requestMs: number;
  headersMs: number;
  idleMs: number;
  keepAliveMs: number;
  checkMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = { requestMs: 30_000, headersMs: 10_000, idleMs: 60_000, keepAliveMs: 5_000, checkMs: 2_000 };

/** The only route that answers cross-origin requests (the embeddable signup form). */
const CORS_PATH = '/api/subscribe';

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
  /** TRUST_PROXY: which peers may set X-Forwarded-For (trust-proxy.ts). */
  trustProxy?: TrustProxy;
  /** Defaults: HTTP_TIMEOUTS (tests shorten them). */
  timeouts?: Partial<HttpTimeouts>;
  /** Further route groups (archive, webhooks, operators), registered in order. */
  plugins?: ((app: FastifyInstance) => void | Promise<void>)[];
}

export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  const t = { ...HTTP_TIMEOUTS, ...deps.timeouts };
  const app = Fastify({
    connectionTimeout: t.idleMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    http: { headersTimeout: t.headersMs, connectionsCheckingInterval: t.checkMs },
    clientErrorHandler,
    // A URL the router cannot read: the same answer as any 400, with the usual headers and without the URL.
    frameworkErrors: (err, req, reply) => {
      applySecurityHeaders(reply);
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendProblem(req, reply, tooLong ? 414 : 400, tooLong ? 'uri_too_long' : 'bad_url', tooLong ? 'The address is too long.' : 'The address is not valid.');
    },
    loggerInstance: deps.log as FastifyBaseLogger,
    // Request logs would carry token URLs; we log route patterns ourselves instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: trustProxyFn(deps.trustProxy ?? false),
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
  const corsOptions = { methods: ['POST'], allowedHeaders: ['Content-Type', 'Accept'], maxAge: 86_400 };
  const allowed = deps.allowedOrigins.length > 0 ? deps.allowedOrigins : false;
  await app.register(cors, {
    delegator: (req, done) => done(null, { ...corsOptions, origin: req.url.split('?')[0] === CORS_PATH ? allowed : false }),
  });

  // Callback hooks, not async ones: every response passes here (no promise per request).
  app.addHook('onSend', (_req, reply, payload, done) => {
    applySecurityHeaders(reply);
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
