// System mail (confirmation, welcome): queued at signup, sent by a worker, so an
// SMTP outage delays it (retries with backoff) instead of losing it or failing the signup.
import type { Queue } from 'bullmq';
import { literalHeaderText } from '../delivery/header-text.js';
import { asDeliveryFailure, PermanentDeliveryError } from '../delivery/transport/failures.js';
import type { MailToCompose } from '../delivery/transport/mail-transport.js';
import { jobId, type SystemMailJob } from '../queues/jobs.js';
import type { Logger } from '../log.js';
import type { Subscriptions, SystemMailer } from '../subscribers/service.js';
import type { SubscriberStore } from '../subscribers/store.js';
import type { PersonalisedMessage } from '../editions/personalise.js';
import type { RenderConfirm } from './confirm.js';
import type { RenderWelcome } from './welcome.js';
import { describeChoices, type WatchOption } from '../subscribers/choices.js';

export class PermanentMailError extends Error {
  override name = 'PermanentMailError';
}

/**
 * Producer side of the welcome mail (confirmation jobs come from the outbox drain,
 * confirm-outbox.ts). Each call is a distinct mail and gets a distinct job id.
 */
export function systemMailQueue(queue: Queue, now: () => Date = () => new Date()): SystemMailer {
  return {
    async enqueueWelcome(subscriberId) {
      const data: SystemMailJob = { kind: 'welcome', subscriberId };
      await queue.add('welcome', data, { jobId: jobId('welcome', subscriberId, String(now().getTime())) });
    },
  };
}

export interface SystemMailDeps {
  store: SubscriberStore;
  subscriptions: Subscriptions;
  send(message: MailToCompose): Promise<unknown>;
  from: string;
  mailDomain: string;
  log: Logger;
  renderConfirm: RenderConfirm;
  renderWelcome: RenderWelcome;
  /** Labels for the watchlist in the welcome mail (the configured market symbols). */
  watchOptions?: readonly WatchOption[];
}

export type SystemMailResult = 'sent' | 'skipped';

export async function sendSystemMail(deps: SystemMailDeps, job: SystemMailJob, attemptId: string): Promise<SystemMailResult> {
  const sub = await deps.store.get(job.subscriberId);
  if (!sub) return 'skipped';
  if (await deps.store.isSuppressed(sub.email)) return 'skipped';
  const links = deps.subscriptions.links(sub);
  let mail: PersonalisedMessage;
  if (job.kind === 'confirm') {
    if (sub.status !== 'pending') return 'skipped';
    mail = await deps.renderConfirm({ confirmUrl: links.confirm });
  } else {
    if (sub.status !== 'confirmed') return 'skipped';
    mail = await deps.renderWelcome({
      name: sub.name,
      preferencesUrl: links.preferences,
      unsubscribeUrl: links.unsubscribe,
      choices: describeChoices(sub, deps.watchOptions),
    });
  }
  try {
    await deps.send({
      from: deps.from,
      // The address alone, as in the digest: a name is the requester's text, and an
      // address header would quote an encoded word in it rather than show it literally.
      to: sub.email,
      subject: literalHeaderText(mail.subject),
      text: mail.text,
      html: mail.html,
      messageId: `<${job.kind}-${attemptId}@${deps.mailDomain}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  } catch (err) {
    // The same reading of SMTP replies as the digest's sends; anything not permanent is retried.
    const failure = asDeliveryFailure(err);
    if (failure instanceof PermanentDeliveryError) {
      deps.log.warn({ event: 'system-mail.rejected', kind: job.kind, subscriberId: sub.id, code: failure.responseCode }, 'recipient rejected');
      throw new PermanentMailError(`recipient rejected with ${failure.responseCode}`);
    }
    throw err; // transient: BullMQ retries with backoff
  }
  deps.log.info({ event: 'system-mail.sent', kind: job.kind, subscriberId: sub.id }, 'system mail sent');
  return 'sent';
}
