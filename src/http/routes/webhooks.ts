// POST /webhooks/bounces: bounce and complaint notifications → suppression.
// Accepts Postmark's Bounce/SpamComplaint webhooks and a generic JSON shape
// ({type:'bounce'|'complaint', email, permanent?, reason?}, or an array of them).
// Authenticated by WEBHOOK_SECRET: as the Basic-auth password (Postmark puts
// credentials in the webhook URL) or in an X-Webhook-Secret header.
import { parseBasicAuth, secretsEqual } from '../secrets.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { normaliseEmail } from '../../subscribers/address.js';
import { markUndeliverable } from '../../subscribers/rules.js';
import type { SubscriberPort } from '../../delivery/ports.js';
import type { Logger } from '../../log.js';

export interface WebhookDeps {
  /** WEBHOOK_SECRET; without it the endpoint answers 404. */
  secret: string | undefined;
  subscribers: Pick<SubscriberPort, 'suppress' | 'findByEmail' | 'setStatus'>;
  log: Logger;
}

const GenericEvent = z.object({
  type: z.enum(['bounce', 'complaint']),
  email: z.string().min(3).max(254),
  /** Soft bounces are informational: nothing is suppressed. */
  permanent: z.boolean().default(true),
  reason: z.string().max(300).optional(),
});

// https://postmarkapp.com/developer/webhooks/bounce-webhook and spam-complaint-webhook
const PostmarkEvent = z.object({
  RecordType: z.enum(['Bounce', 'SpamComplaint']),
  Type: z.string().optional(),
  Email: z.string().min(3).max(254),
  Description: z.string().optional(),
});
/** Postmark bounce types that mean "never mail this address again". */
const POSTMARK_PERMANENT = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Blocked']);

interface Notice {
  kind: 'bounce' | 'complaint';
  email: string;
  permanent: boolean;
  reason: string;
}

function parseNotices(body: unknown): Notice[] | null {
  const list = Array.isArray(body) ? body : [body];
  const out: Notice[] = [];
  for (const item of list) {
    const pm = PostmarkEvent.safeParse(item);
    if (pm.success) {
      const complaint = pm.data.RecordType === 'SpamComplaint';
      out.push({
        kind: complaint ? 'complaint' : 'bounce',
        email: pm.data.Email,
        permanent: complaint || POSTMARK_PERMANENT.has(pm.data.Type ?? ''),
        reason: `postmark ${pm.data.RecordType}${pm.data.Type ? ` ${pm.data.Type}` : ''}`,
      });
      continue;
    }
    const generic = GenericEvent.safeParse(item);
    if (!generic.success) return null;
    out.push({ kind: generic.data.type, email: generic.data.email, permanent: generic.data.permanent, reason: generic.data.reason ?? `webhook ${generic.data.type}` });
  }
  return out;
}

function presentedSecret(req: FastifyRequest): string | null {
  const header = req.headers['x-webhook-secret'];
  if (typeof header === 'string') return header;
  return parseBasicAuth(req.headers.authorization)?.password ?? null;
}

export function webhookRoutes(app: FastifyInstance, deps: WebhookDeps): void {
  app.post('/webhooks/bounces', async (req, reply) => {
    if (!deps.secret) return reply.code(404).send({ error: 'webhooks are not enabled (WEBHOOK_SECRET)' });
    const given = presentedSecret(req);
    if (given === null || !secretsEqual(given, deps.secret)) {
      return reply.code(401).header('WWW-Authenticate', 'Basic realm="webhooks"').send({ error: 'unauthorised' });
    }
    const notices = parseNotices(req.body);
    if (!notices) return reply.code(400).send({ error: 'expected a Postmark Bounce/SpamComplaint or {type, email} body' });
    let suppressed = 0;
    for (const notice of notices) {
      if (!notice.permanent) continue;
      let email: string;
      try {
        email = normaliseEmail(notice.email);
      } catch {
        continue; // an address we could never have mailed
      }
      const sub = await markUndeliverable(deps.subscribers, email, { status: notice.kind === 'complaint' ? 'complained' : 'bounced', reason: notice.reason });
      suppressed += 1;
      deps.log.info({ event: `webhook.${notice.kind}`, subscriberId: sub?.id ?? null }, 'address suppressed');
    }
    return reply.code(200).send({ received: notices.length, suppressed });
  });
}
