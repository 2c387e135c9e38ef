// One error handler: user mistakes get a clear 4xx (JSON for API callers, a page
// for browsers); anything else is a 500 that says nothing about internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRedisUnavailable } from '../redis.js';
import { ZodError } from 'zod';
import { InvalidAddressError } from '../subscribers/address.js';
import { RateLimitedError } from '../subscribers/rate-limits.js';
import { describeIssue } from '../subscribers/schemas.js';
import { InvalidTokenError } from '../subscribers/tokens.js';
import { messagePage } from './pages/layout.js';

export function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/') || req.url.startsWith('/webhooks/') || req.url.startsWith('/admin/api/')) {
    return !String(req.headers.accept ?? '').includes('text/html') || String(req.headers['content-type'] ?? '').includes('json');
  }
  const accept = String(req.headers.accept ?? '');
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function sendProblem(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  field?: string,
): FastifyReply {
  reply.code(status);
  if (wantsJson(req)) return reply.type('application/json').send({ error, message, ...(field ? { field } : {}) });
  const title =
    status === 404 ? 'Page not found' : status === 429 ? 'Slow down' : status === 503 ? 'Back in a moment' : status >= 500 ? 'Something went wrong' : 'That did not work';
  return reply.type('text/html; charset=utf-8').send(messagePage(reply.server.brand, title, message, 'err'));
}

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Content-Type must be application/json or application/x-www-form-urlencoded'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'The request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'The request body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_request', 'Content-Length does not match the body'],
};

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH']);

/** Redis (or another backend) cannot be reached or is full (maxmemory): a 503 to retry, not a bug. */
export function isBackendUnavailable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return isRedisUnavailable(err) || (code !== undefined && UNAVAILABLE_CODES.has(code));
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof RateLimitedError) {
      reply.header('Retry-After', String(err.retryAfterSec));
      return sendProblem(req, reply, 429, 'rate_limited', 'Too many requests. Please try again later.');
    }
    if (err instanceof ZodError) {
      const { field, message } = describeIssue(err);
      return sendProblem(req, reply, 400, 'invalid_request', message, field);
    }
    if (err instanceof InvalidAddressError) return sendProblem(req, reply, 400, 'invalid_request', err.message, 'email');
    if (err instanceof InvalidTokenError) {
      return sendProblem(req, reply, 400, 'invalid_token', 'This link is not valid or is no longer active.');
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return sendProblem(req, reply, known[0], known[1], known[2]);
    if (err instanceof SyntaxError && err.statusCode === 400) {
      return sendProblem(req, reply, 400, 'invalid_json', 'The request body is not valid JSON');
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's messages quote the request (a header, a URL): a fixed text instead.
      return sendProblem(req, reply, err.statusCode, 'bad_request', 'The request could not be read.');
    }
    if (isBackendUnavailable(err)) {
      req.log.warn({ event: 'http.unavailable', route: req.routeOptions.url, err: err.message }, 'backend unavailable');
      reply.header('Retry-After', '30');
      return sendProblem(req, reply, 503, 'unavailable', 'The service is busy or down for a moment. Please try again shortly.');
    }
    req.log.error({ event: 'http.error', err, route: req.routeOptions.url }, 'unhandled error');
    return sendProblem(req, reply, 500, 'internal_error', 'Something went wrong on our side. Please try again later.');
  });

  app.setNotFoundHandler((req, reply) =>
    sendProblem(req, reply, 404, 'not_found', 'There is nothing at this address.'),
  );
}
