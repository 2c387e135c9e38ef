// GET / (signup page), POST /api/subscribe (JSON or form), static assets.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../../log.js';
import { toAddress, type Address } from '../../subscribers/address.js';
import type { RateLimits } from '../../subscribers/rate-limits.js';
import type { SignupInput } from '../../subscribers/schemas.js';
import type { Subscriptions } from '../../subscribers/service.js';
import { SIGNUP_JS, siteCss } from '../assets.js';
import { wantsJson } from '../errors.js';
import { messagePage } from '../pages/layout.js';
import { signupPage, type SiteView } from '../pages/subscription.js';
import { startSignupSummary } from '../signup-summary.js';

export const THANK_YOU = 'Thank you for subscribing — check your inbox to confirm.';
/** The same body for every signup, serialised once. */
const ACCEPTED_JSON = JSON.stringify({ status: 'accepted', message: THANK_YOU });

export interface SignupRouteDeps extends SiteView {
  log: Logger;
  subscriptions: Subscriptions;
  rateLimits: RateLimits;
  defaults: { timezone: string; sendHour: number };
}

const userAgent = (req: FastifyRequest) => String(req.headers['user-agent'] ?? '').slice(0, 512);

export function signupRoutes(app: FastifyInstance, deps: SignupRouteDeps): void {
  const signup = signupPage(deps, deps.defaults);
  const css = siteCss(deps.brand.color);
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(signup));

  app.get('/assets/site.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(css),
  );
  app.get('/assets/signup.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(SIGNUP_JS),
  );

  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('Cache-Control', 'public, max-age=86400').send());

  const summary = startSignupSummary(deps.log);
  app.addHook('onClose', async () => summary.stop());

  app.post('/api/subscribe', async (req, reply) => {
    let input: SignupInput;
    let address: Address;
    try {
      const body = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw deps.subscriptions.schemas.signup.safeParse(undefined).error!;
      }
      input = deps.subscriptions.schemas.signup.parse(body);
      address = toAddress(input.email); // 400 with a reason when invalid
    } catch (err) {
      await deps.rateLimits.signupByIp(req.ip); // a bad request still counts against its IP (429 first)
      throw err;
    }
    const fromForm = String(req.headers['content-type'] ?? '').includes('form');
    // The gate (per-IP limit → 429, per-address limit → silent, suppression) runs in the
    // create's round trip; whatever the outcome, the answer is the same 202.
    const outcome = await deps.subscriptions.subscribe(
      input,
      { ip: req.ip, userAgent: userAgent(req), source: fromForm ? 'signup-page' : 'api' },
      { address, guard: deps.rateLimits.signupGuard(req.ip, address.hash) },
    );
    summary.count(outcome);
    reply.code(202);
    if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send(ACCEPTED_JSON);
    return reply.type('text/html; charset=utf-8').send(messagePage(deps.brand, 'Check your inbox', THANK_YOU));
  });
}
