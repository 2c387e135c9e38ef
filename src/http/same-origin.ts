// Cross-site request forgery guard for /admin: the browser sends the operator's basic-auth
// credentials with any request to us, including a form post or a `no-cors` fetch from
// another site. Every request that can change something must come from our own pages:
// Sec-Fetch-Site says so, or else Origin, or else Referer, names our origin. No header
// at all is refused too (a browser always sends one of them on a cross-site write).
import type { FastifyReply, FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** The origins our own pages are served from: PUBLIC_URL's, and the one this request was addressed to. */
function ownOrigins(req: FastifyRequest, publicUrl: string | undefined): Set<string> {
  const own = new Set<string>();
  const pub = publicUrl ? originOf(publicUrl) : null;
  if (pub) own.add(pub);
  const self = originOf(`${req.protocol}://${req.host}`);
  if (self) own.add(self);
  return own;
}

export function isSameOrigin(req: FastifyRequest, publicUrl?: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (typeof origin === 'string') return ownOrigins(req, publicUrl).has(origin);
  const referer = req.headers.referer;
  if (typeof referer === 'string') {
    const from = originOf(referer);
    return from !== null && ownOrigins(req, publicUrl).has(from);
  }
  return false;
}

/** A fastify onRequest hook: 403 for a non-GET request that is not same-origin. */
export function sameOriginHook(publicUrl?: string) {
  return async function sameOrigin(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (SAFE_METHODS.has(req.method) || isSameOrigin(req, publicUrl)) return;
    req.log.warn({ event: 'admin.cross-site', method: req.method, route: req.routeOptions.url }, 'cross-site write refused');
    await reply.code(403).header('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('Cross-site requests are refused.');
  };
}
