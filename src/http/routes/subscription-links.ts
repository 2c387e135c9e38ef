// Token links from mail: /confirm/:token, /unsubscribe/:token, /preferences/:token.
// GET shows a page with a button (link scanners fetch GETs); POST acts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RateLimits } from '../../subscribers/rate-limits.js';
import { describeIssue } from '../../subscribers/schemas.js';
import type { Subscriptions } from '../../subscribers/service.js';
import { InvalidTokenError } from '../../subscribers/tokens.js';
import { html } from '../../html.js';
import { messagePage } from '../pages/layout.js';
import { confirmPage, expiredConfirmPage, preferencesPage, unsubscribePage, type SiteView } from '../pages/subscription.js';

export interface LinkRouteDeps extends SiteView {
  subscriptions: Subscriptions;
  rateLimits: RateLimits;
}

const TokenParams = z.object({ token: z.string().min(1).max(512) });
const token = (req: FastifyRequest) => TokenParams.parse(req.params).token;
const sendPage = (reply: FastifyReply, body: string, code = 200) =>
  reply.code(code).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(body);

export function subscriptionLinkRoutes(app: FastifyInstance, deps: LinkRouteDeps): void {
  const { subscriptions } = deps;
  const limit = async (req: FastifyRequest) => deps.rateLimits.linkByIp(req.ip);

  app.get('/confirm/:token', async (req, reply) => {
    await limit(req);
    const t = token(req);
    try {
      const sub = await subscriptions.peek(t, 'confirm');
      if (sub.status === 'confirmed') return sendPage(reply, messagePage(deps.brand, 'You are subscribed', 'Your subscription is already confirmed.'));
      if (sub.status !== 'pending') throw new InvalidTokenError('revoked');
      return sendPage(reply, confirmPage(deps.brand, t));
    } catch (err) {
      if (err instanceof InvalidTokenError && err.reason === 'expired') return sendPage(reply, expiredConfirmPage(deps.brand, t), 410);
      throw err;
    }
  });

  app.post('/confirm/resend', async (req, reply) => {
    await limit(req);
    const { token: t } = z.object({ token: z.string().min(1).max(512) }).parse(req.body ?? {});
    await subscriptions.resendConfirmation(t);
    return sendPage(reply, messagePage(deps.brand, 'Check your inbox', 'If that link was yours, a new confirmation email is on its way.'));
  });

  app.post('/confirm/:token', async (req, reply) => {
    await limit(req);
    try {
      await subscriptions.confirm(token(req));
    } catch (err) {
      if (err instanceof InvalidTokenError && err.reason === 'expired') return sendPage(reply, expiredConfirmPage(deps.brand, token(req)), 410);
      throw err;
    }
    return sendPage(reply, messagePage(deps.brand, 'You are subscribed', 'Thank you — your first digest arrives at your chosen hour.'));
  });

  app.get('/unsubscribe/:token', async (req, reply) => {
    await limit(req);
    const t = token(req);
    const sub = await subscriptions.peek(t, 'unsubscribe');
    if (sub.status !== 'confirmed' && sub.status !== 'pending') {
      return sendPage(reply, messagePage(deps.brand, 'You are unsubscribed', 'You will not receive any more digests.'));
    }
    return sendPage(reply, unsubscribePage(deps.brand, t));
  });

  // RFC 8058: the mailbox provider POSTs `List-Unsubscribe=One-Click` without cookies;
  // answer 200, never redirect. A browser POST from the page above lands here too.
  app.post('/unsubscribe/:token', async (req, reply) => {
    await subscriptions.unsubscribe(token(req));
    return sendPage(reply, messagePage(deps.brand, 'You are unsubscribed', 'You will not receive any more digests. Changed your mind? Sign up again any time.'));
  });

  app.get('/preferences/:token', async (req, reply) => {
    await limit(req);
    const t = token(req);
    return sendPage(reply, preferencesPage(deps, t, await subscriptions.peek(t, 'preferences')));
  });

  app.post('/preferences/:token', async (req, reply) => {
    await limit(req);
    const t = token(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.action === 'unsubscribe') {
      await subscriptions.unsubscribe(t, 'preferences');
      return sendPage(reply, messagePage(deps.brand, 'You are unsubscribed', 'You will not receive any more digests.'));
    }
    const sub = await subscriptions.peek(t, 'preferences');
    const parsed = subscriptions.schemas.preferences.safeParse(body);
    if (!parsed.success) {
      const { message } = describeIssue(parsed.error);
      return sendPage(reply, preferencesPage(deps, t, sub, html`<p class="notice err" role="alert">${message}</p>`), 400);
    }
    const updated = await subscriptions.updatePreferences(t, parsed.data);
    return sendPage(reply, preferencesPage(deps, t, updated, html`<p class="notice ok" role="status">Your preferences are saved.</p>`));
  });
}
