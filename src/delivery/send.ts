// One send: claim the ledger entry, re-check the reader, personalise the prepared
// variant, hand it to the pooled transport, record the outcome. Knows nothing of
// BullMQ; send-job.ts turns the named errors below into queue behaviour.
import type { RedisClient } from '../redis.js';
import { redactAddresses, type Logger } from '../log.js';
import type { Subscriber } from '../subscribers/model.js';
import { markUndeliverable } from '../subscribers/rules.js';
import { hadDigestOnLocalDate, isDeliveryDay } from '../editions/slots.js';
import { hasNewStoriesSince } from '../editions/pick.js';
import { newClaimToken, type FinalState, type FinishRecord, type FinishResult, type Ledger } from './ledger.js';
import { untilWritten } from '../redis.js';
import type { MailTransport, OutgoingMail } from './transport/mail-transport.js';
import { listHeaders, type EditionHeaders } from './mime.js';
import { buildRawFromParts } from './raw-message.js';
import type { DeliveryPorts } from './ports.js';
import { AmbiguousDeliveryError, asDeliveryFailure, PermanentDeliveryError, RelayThrottlingError, RelayUnavailableError } from './transport/failures.js';

export class EditionPausedError extends Error {
  override name = 'EditionPausedError';
  constructor(
    readonly editionId: string,
    readonly reason: string,
  ) {
    super(`edition ${editionId} is paused: ${reason}`);
  }
}

/** The edition has no prepared variant for this reader's topics: a build problem, not retryable. */
export class MissingVariantError extends Error {
  override name = 'MissingVariantError';
}

/** The job lost its lock (another worker may run it): stop before SMTP. */
export class SendAbortedError extends Error {
  override name = 'SendAbortedError';
}

/**
 * Not now, and not an attempt: another run holds a fresh claim on this reader (it may be about
 * to record its outcome), or the slot has not begun by Redis's clock. Look again in `retryInMs`.
 */
export class SendLaterError extends Error {
  override name = 'SendLaterError';
  constructor(
    readonly retryInMs: number,
    reason: string,
  ) {
    super(`${reason}; retry in ${retryInMs} ms`);
  }
}

export interface SenderDeps<V> {
  redis: RedisClient;
  keys: { lastEditionFor(): string; subscriber(id: string): string };
  ledger: Ledger;
  ports: DeliveryPorts<V>;
  mailer: Pick<MailTransport, 'send'>;
  log: Logger;
  mail: { from: string; mailDomain: string; listId: string; listName: string; feedbackSender: string };
  /** SKIP_EMPTY_EDITIONS: skip a reader when nothing is new since their previous edition. */
  skipEmpty?: boolean;
}

/** What `lastEditionFor` remembers per reader: the slot, and which edition and variant it was. */
interface LastDelivery {
  slot: Date;
  editionId: string;
  variantKey: string;
}

function parseLast(value: string | null): LastDelivery | null {
  if (!value) return null;
  const v = JSON.parse(value) as { slot: string; edition: string; variant: string };
  return { slot: new Date(v.slot), editionId: v.edition, variantKey: v.variant };
}

export type SendOutcome = 'sent' | 'skipped' | 'unknown' | `already-${string}`;

export interface SendAttempt {
  /** No retry follows a transient failure of this attempt. */
  finalAttempt: boolean;
  signal?: AbortSignal | undefined;
}

interface EditionInfo {
  slot: Date;
  mode: string;
  headers: EditionHeaders;
  variants: Map<string, unknown>;
}

export function createSender<V>(deps: SenderDeps<V>) {
  const { ledger, ports, log } = deps;
  // Edition-wide data is read once per process, not once per reader.
  const editions = new Map<string, Promise<EditionInfo>>();

  function edition(editionId: string): Promise<EditionInfo> {
    let info = editions.get(editionId);
    if (!info) {
      info = ledger.meta(editionId).then((meta) => {
        if (!meta) throw new Error(`edition ${editionId} has no delivery record`);
        const headers = listHeaders({
          mailDomain: deps.mail.mailDomain,
          listId: deps.mail.listId,
          listName: deps.mail.listName,
          feedbackSender: deps.mail.feedbackSender,
          editionId,
          mode: meta.mode,
        });
        return { slot: new Date(meta.slot), mode: meta.mode, headers, variants: new Map() };
      });
      info.catch(() => editions.delete(editionId));
      if (editions.size >= 20) editions.delete(editions.keys().next().value!);
      editions.set(editionId, info);
    }
    return info;
  }

  async function variant(info: EditionInfo, editionId: string, key: string): Promise<V> {
    if (!info.variants.has(key)) {
      const v = await ports.editions.getVariant(editionId, key);
      if (v === null) throw new MissingVariantError(`edition ${editionId} has no variant "${key}"`);
      info.variants.set(key, v);
    }
    return info.variants.get(key) as V;
  }

  async function nothingNew(editionId: string, key: string, last: LastDelivery | null): Promise<boolean> {
    if (!deps.skipEmpty) return false;
    const storyIds = (id: string, k: string) => ports.editions.storyIds(id, k);
    const current = await storyIds(editionId, key);
    if (current === null) return false;
    const previous = last ? await storyIds(last.editionId, last.variantKey) : null;
    return !hasNewStoriesSince({ storyIds: current }, previous);
  }

  /** `lastRaw`: the reader's last-edition entry, read by the claim. */
  async function skipReason(sub: Subscriber | null, info: EditionInfo, editionId: string, lastRaw: string | null): Promise<string | null> {
    if (!sub) return 'deleted';
    if (sub.status !== 'confirmed') return sub.status;
    if (await ports.subscribers.isSuppressed(sub.email)) return 'suppressed';
    const last = parseLast(lastRaw);
    if (info.mode !== 'now') {
      // The reader may have changed cadence since the fan-out read the index.
      if ((info.mode === 'weekly') !== (sub.cadence === 'weekly')) return 'cadence';
      if (info.mode === 'scheduled' && !isDeliveryDay(info.slot, sub.timezone, sub.weekdaysOnly)) return 'weekend';
      if (hadDigestOnLocalDate(last?.slot ?? null, info.slot, sub.timezone)) return 'already-today';
    }
    if (await nothingNew(editionId, ports.editions.variantFor(sub.topics), last)) return 'nothing-new';
    return null;
  }

  // Ledger writes are retried while Redis is away (restart, failover, partition): an outcome the
  // relay gave, or a claim this run holds, stays in memory and is written when Redis is back,
  // instead of leaving a claim for a retry to write off as `unknown`. Claims carry a token, so a
  // claim Redis ran but whose reply was lost is the same claim when sent again.
  const written = <T>(write: () => Promise<T>, editionId: string, subscriberId: string) =>
    untilWritten(write, {
      onRetry: (err, attempt) =>
        attempt === 1 && log.warn({ event: 'digest.send.mark-deferred', editionId, subscriberId, err: err.message }, 'Redis away; ledger write kept until it is back'),
    });

  async function finished(editionId: string, result: { finished: boolean; paused?: boolean }) {
    if (result.paused) {
      const reason = await ledger.pausedReason(editionId).catch(() => 'too many failures');
      log.warn({ event: 'edition.delivery.paused', editionId, reason }, 'edition paused: too many failures');
    }
    if (result.finished) {
      // Only one finish sees `finished`: the status must land even if Redis blinks now.
      await written(() => ports.editions.setStatus(editionId, 'sending', 'done'), editionId, '');
      const report = await ledger.report(editionId).catch(() => null);
      log.info({ event: 'edition.delivery.finished', editionId, report }, 'edition delivered');
    }
  }

  /** Record a final outcome (retried until Redis takes it) and act on what it finished or paused. */
  async function record(editionId: string, subscriberId: string, to: FinalState, extra?: FinishRecord): Promise<FinishResult> {
    const result = await written(() => ledger.finish(editionId, subscriberId, to, extra), editionId, subscriberId);
    await finished(editionId, result);
    return result;
  }

  async function send(editionId: string, subscriberId: string, attempt: SendAttempt): Promise<SendOutcome> {
    // One round trip: the pause check, the claim, the reader's hash and last-edition entry.
    // The token makes a resent claim (reply lost as Redis went away) the same claim.
    const token = newClaimToken();
    const read = { subscriberKey: deps.keys.subscriber(subscriberId), lastKey: deps.keys.lastEditionFor() };
    const claim = await written(() => ledger.claimForSend(editionId, subscriberId, read, token), editionId, subscriberId);
    if (claim.outcome === 'paused') throw new EditionPausedError(editionId, claim.reason);
    if (claim.outcome === 'busy') throw new SendLaterError(claim.retryInMs, 'another run holds the claim');
    if (claim.outcome === 'early') throw new SendLaterError(claim.retryInMs, 'the slot has not begun');
    if (claim.outcome === 'done') return `already-${claim.state}`;
    if (claim.outcome === 'unknown') {
      // A previous run claimed and never recorded an outcome: it may have delivered.
      log.warn({ event: 'digest.send.unknown', editionId, subscriberId }, 'claimed by a run that died; not resending');
      await finished(editionId, claim);
      return 'unknown';
    }

    let sub: Subscriber | null;
    let message: OutgoingMail;
    let info: EditionInfo;
    try {
      info = await edition(editionId);
      sub = ports.subscribers.parse(claim.subscriber);
      const reason = await skipReason(sub, info, editionId, claim.last);
      if (reason || !sub) {
        await record(editionId, subscriberId, 'skipped');
        log.debug({ event: 'digest.send.skipped', editionId, subscriberId, reason }, 'skipped');
        return 'skipped';
      }
      const key = ports.editions.variantFor(sub.topics);
      const unsubscribeUrl = ports.links.unsubscribeUrl(sub);
      const prepared = await variant(info, editionId, key);
      const fields = { name: sub.name, unsubscribeUrl, preferencesUrl: ports.links.preferencesUrl(sub), browserUrl: ports.links.browserUrl(editionId, key), timezone: sub.timezone, watchlist: sub.watchlist };
      const envelope = { from: deps.mail.from, to: sub.email, subscriberId, editionId, unsubscribeUrl };
      // In pieces: the body is encoded once per variant.
      message = buildRawFromParts(info.headers, envelope, ports.editions.personaliseParts(prepared, fields));
      if (attempt.signal?.aborted) throw new SendAbortedError('lock lost before SMTP');
    } catch (err) {
      if (err instanceof MissingVariantError) {
        await record(editionId, subscriberId, 'failed');
      } else {
        // Nothing reached the relay: give the claim back, or the retry would find it and write it off.
        await written(() => ledger.release(editionId, subscriberId, token), editionId, subscriberId);
      }
      throw err;
    }

    try {
      await deps.mailer.send(message);
    } catch (error) {
      // The transport classified it; passed on unchanged (anything unclassified is transient).
      const failure = asDeliveryFailure(error);
      if (failure instanceof AmbiguousDeliveryError) {
        log.warn({ event: 'digest.send.unknown', editionId, subscriberId }, 'connection lost with the message in flight; not resending');
        await record(editionId, subscriberId, 'unknown');
        return 'unknown';
      }
      if (failure instanceof PermanentDeliveryError) {
        const to = failure.recipientRejected ? 'bounced' : 'failed';
        if (failure.recipientRejected) {
          const reason = `smtp ${failure.responseCode}: ${failure.message}`.slice(0, 200);
          await written(() => markUndeliverable(ports.subscribers, sub.email, { status: 'bounced', reason }, sub), editionId, subscriberId);
        }
        log.warn({ event: `digest.send.${to}`, editionId, subscriberId, code: failure.responseCode }, redactAddresses(failure.message));
        await record(editionId, subscriberId, to);
      } else if (attempt.finalAttempt && !(failure instanceof RelayUnavailableError || failure instanceof RelayThrottlingError)) {
        // (A relay outage or throttling is not this message's fault and spends no attempt.)
        log.warn({ event: 'digest.send.failed', editionId, subscriberId, err: redactAddresses(failure.message) }, 'last attempt failed');
        await record(editionId, subscriberId, 'failed');
      } else {
        await written(() => ledger.release(editionId, subscriberId, token), editionId, subscriberId);
      }
      throw failure;
    }

    const last = { slot: info.slot.toISOString(), edition: editionId, variant: ports.editions.variantFor(sub.topics) };
    await record(editionId, subscriberId, 'sent', { key: deps.keys.lastEditionFor(), field: subscriberId, value: JSON.stringify(last) });
    return 'sent';
  }

  return { send };
}

export type Sender = ReturnType<typeof createSender>;
