// A page of sends: claim the readers a few at a time (one round trip each time), re-check
// each, personalise the prepared variant, hand the messages to the pooled transport within
// the process's in-flight limit, and record the outcomes in batches. Knows nothing of
// BullMQ; send-job.ts turns the page's result and the named errors below into queue behaviour.
import type { RedisClient } from '../redis.js';
import { redactAddresses, type Logger } from '../log.js';
import type { Subscriber } from '../subscribers/model.js';
import { markUndeliverable } from '../subscribers/rules.js';
import { newClaimToken, type Ledger, type ReaderClaim } from './ledger.js';
import { untilWritten } from '../redis.js';
import type { MailTransport, OutgoingMail } from './transport/mail-transport.js';
import { listHeaders, type EditionHeaders } from './mime.js';
import { buildRawFromParts } from './raw-message.js';
import type { DeliveryPorts } from './ports.js';
import { AmbiguousDeliveryError, asDeliveryFailure, PermanentDeliveryError, RelayThrottlingError, RelayUnavailableError } from './transport/failures.js';
import { RateWaitAbortedError, type AdaptiveRate } from './adaptive-rate.js';
import { createSlots } from './slots.js';
import { createOutcomeBatch } from './outcome-batch.js';
import { createSkipRule } from './skip-rule.js';

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

/** The job lost its lock (another worker may run it), or the worker is closing: stop before SMTP. */
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
  /**
   * SEND_CONCURRENCY: messages of this process between claim and recorded outcome. Readers
   * are claimed only when a place is free, so a crash leaves at most this many `unknown`.
   */
  inFlight: number;
  /** The shared send permits and congestion control (none: unpaced, throttling is transient). */
  rate?: AdaptiveRate;
}

/** A reader's outcome in this run (`already-…`: an earlier run had recorded it). */
export type SendOutcome = 'sent' | 'skipped' | 'unknown' | 'failed' | 'bounced' | `already-${string}`;

/** A reader this run gave back, to be tried again on its own after `retryInMs`. */
export interface SendRetry {
  subscriberId: string;
  /** busy: another run holds its claim; throttled: the relay asked us to slow down; transient: a 4xx, a timeout… */
  reason: 'busy' | 'throttled' | 'transient';
  retryInMs: number;
  error?: Error;
}

export interface PageResult {
  outcomes: Map<string, SendOutcome>;
  retries: SendRetry[];
}

export interface SendAttempt {
  /** No retry follows a transient failure of this attempt: record it as failed. */
  finalAttempt: boolean;
  /** The reader has been throttled for too long already: another throttle records it as failed. */
  giveUpThrottled?: boolean;
  signal?: AbortSignal | undefined;
}

interface EditionInfo {
  slot: Date;
  mode: string;
  headers: EditionHeaders;
  variants: Map<string, unknown>;
}

/** Readers claimed per round trip at most. */
const CLAIM_CHUNK = 100;
/** How long a throttled reader waits before its own retry (plus as much jitter). */
const THROTTLED_RETRY_MS = 1000;

export function createSender<V>(deps: SenderDeps<V>) {
  const { ledger, ports, log } = deps;
  const slots = createSlots(deps.inFlight);
  // Places are taken a quarter of the in-flight limit at a time, so each claim round trip serves several messages.
  const batch = Math.max(1, Math.ceil(deps.inFlight / 4));
  // Send permits taken from the shared bucket beyond a chunk's need, kept for this process's next chunks.
  let sparePermits = 0;
  async function permits(want: number, signal?: AbortSignal): Promise<number> {
    if (!deps.rate) return want;
    if (sparePermits < want) {
      const rate = deps.rate;
      const got = await written(() => rate.take(Math.max(want, deps.inFlight) - sparePermits, signal), '', 'permits');
      sparePermits = Math.min(sparePermits + got, want + deps.inFlight);
    }
    const granted = Math.min(want, sparePermits);
    sparePermits -= granted;
    return granted;
  }
  const lastKey = deps.keys.lastEditionFor();
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
      const v = await written(() => ports.editions.getVariant(editionId, key), editionId, 'variant');
      if (v === null) throw new MissingVariantError(`edition ${editionId} has no variant "${key}"`);
      info.variants.set(key, v);
    }
    return info.variants.get(key) as V;
  }

  const skipReason = createSkipRule({ editions: ports.editions, skipEmpty: deps.skipEmpty ?? false });

  // Ledger writes are retried while Redis is away (restart, failover, partition): an outcome the
  // relay gave, or a claim this run holds, stays in memory and is written when Redis is back,
  // instead of leaving a claim for a retry to write off as `unknown`. Claims carry a token, so a
  // claim Redis ran but whose reply was lost is the same claim when sent again. The page's reads
  // (permits, suppressions, the edition and its variants) wait for Redis the same way, so a
  // failover pauses a page instead of failing it into the job's backoff.
  const written = <T>(write: () => Promise<T>, editionId: string, what: string) =>
    untilWritten(write, {
      onRetry: (err, attempt) =>
        attempt === 1 && log.warn({ event: 'digest.send.mark-deferred', editionId, what, err: err.message }, 'Redis away; waiting for it (a ledger write is kept until it is back)'),
    });

  async function finished(editionId: string, result: { finished: boolean; paused?: boolean }) {
    if (result.paused) {
      const reason = await ledger.pausedReason(editionId).catch(() => 'too many failures');
      log.warn({ event: 'edition.delivery.paused', editionId, reason }, 'edition paused: too many failures');
    }
    if (result.finished) {
      // Only one finish sees `finished`: the status must land even if Redis blinks now.
      await markDone(editionId);
      const report = await ledger.report(editionId).catch(() => null);
      log.info({ event: 'edition.delivery.finished', editionId, report }, 'edition delivered');
    }
  }

  /** The edition's status once its ledger is finished (compare-and-set, retried while Redis is away); true when this set it. */
  function markDone(editionId: string): Promise<boolean> {
    return written(() => ports.editions.setStatus(editionId, 'sending', 'done'), editionId, 'status');
  }

  /** The edition's status after its ledger finished without the status being set (a lost reply); a no-op when set. */
  async function settleFinished(editionId: string) {
    if (await markDone(editionId)) {
      log.info({ event: 'edition.delivery.finished', editionId, late: true }, 'edition delivered (its finish was recorded by a run whose reply was lost)');
    }
  }

  const record = createOutcomeBatch({ ledger, lastKey, written, settled: finished, batch });

  /**
   * Send an edition to a page of readers. Resolves with each reader's outcome and the readers
   * to retry on their own; throws (once the messages under way are recorded and the rest given
   * back) when the whole page must wait: the edition is paused (EditionPausedError), its slot
   * has not begun (SendLaterError), the relay refuses everyone (RelayUnavailableError), or the
   * job lost its lock (SendAbortedError).
   */
  async function sendPage(editionId: string, subscriberIds: readonly string[], attempt: SendAttempt): Promise<PageResult> {
    // One token per page run: a claim resent after a lost reply is the same claim.
    const token = newClaimToken();
    const info = await written(() => edition(editionId), editionId, 'edition');
    const result: PageResult = { outcomes: new Map(), retries: [] };
    const underWay = new Set<Promise<void>>();
    let stop: Error | undefined;
    const halt = (err: Error) => (stop ??= err);
    const read = { subscriberKey: (id: string) => deps.keys.subscriber(id), lastKey };
    // Readers given back have their claims released before their places are free: a claim held
    // past its place is one more a crash would leave `unknown` (never sent) beyond SEND_CONCURRENCY.
    const giveBack = (ids: readonly string[]) => written(() => ledger.releaseMany(editionId, ids, token), editionId, 'release');

    async function deliver(subscriberId: string, claim: Extract<ReaderClaim, { outcome: 'claimed' }>, suppressed: ReadonlySet<string>): Promise<void> {
      let sub: Subscriber | null;
      let message: OutgoingMail;
      try {
        sub = ports.subscribers.parse(claim.subscriber);
        const reason = await skipReason(sub, { ...info, editionId }, claim.last, suppressed);
        if (reason || !sub) {
          await record(editionId, subscriberId, 'skipped');
          result.outcomes.set(subscriberId, 'skipped');
          log.debug({ event: 'digest.send.skipped', editionId, subscriberId, reason }, 'skipped');
          return;
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
          log.error({ event: 'digest.send.failed', editionId, subscriberId, err: err.message }, 'no variant for this reader');
          await record(editionId, subscriberId, 'failed');
          result.outcomes.set(subscriberId, 'failed');
          return;
        }
        // Nothing reached the relay: give the claim back (else a retry would write it off).
        halt(err as Error);
        return void (await giveBack([subscriberId]));
      }
      if (stop) return void (await giveBack([subscriberId]));

      try {
        await deps.mailer.send(message);
      } catch (error) {
        // The transport classified it; acted on by class (anything unclassified is transient).
        return settleFailure(subscriberId, sub, asDeliveryFailure(error));
      }
      deps.rate?.succeeded();
      const last = JSON.stringify({ slot: info.slot.toISOString(), edition: editionId, variant: ports.editions.variantFor(sub.topics) });
      await record(editionId, subscriberId, 'sent', last);
      result.outcomes.set(subscriberId, 'sent');
    }

    async function settleFailure(subscriberId: string, sub: Subscriber, failure: Error): Promise<void> {
      if (failure instanceof AmbiguousDeliveryError) {
        log.warn({ event: 'digest.send.unknown', editionId, subscriberId }, 'connection lost with the message in flight; not resending');
        await record(editionId, subscriberId, 'unknown');
        return void result.outcomes.set(subscriberId, 'unknown');
      }
      if (failure instanceof PermanentDeliveryError) {
        const to = failure.recipientRejected ? 'bounced' : 'failed';
        if (failure.recipientRejected) {
          const reason = `smtp ${failure.responseCode}: ${failure.message}`.slice(0, 200);
          await written(() => markUndeliverable(ports.subscribers, sub.email, { status: 'bounced', reason }, sub), editionId, 'bounce');
        }
        log.warn({ event: `digest.send.${to}`, editionId, subscriberId, code: failure.responseCode }, redactAddresses(failure.message));
        await record(editionId, subscriberId, to);
        return void result.outcomes.set(subscriberId, to);
      }
      if (failure instanceof RelayUnavailableError) {
        halt(failure);
        return void (await giveBack([subscriberId]));
      }
      if (failure instanceof RelayThrottlingError && deps.rate) {
        // Congestion, not an outage: everybody slows down, this reader is tried again soon (no
        // attempt spent). Throttling nearly every message: the relay refuses everyone.
        const { refusing } = await deps.rate.throttled().catch(() => ({ refusing: false }));
        if (attempt.giveUpThrottled && !refusing) {
          // Throttled for this reader alone, for longer than an edition should wait: let the edition finish.
          log.warn({ event: 'digest.send.failed', editionId, subscriberId, err: redactAddresses(failure.message) }, 'throttled for too long; giving up on this reader');
          await record(editionId, subscriberId, 'failed');
          return void result.outcomes.set(subscriberId, 'failed');
        }
        await giveBack([subscriberId]);
        if (refusing) return void halt(new RelayUnavailableError(`the relay throttles nearly every message: ${failure.message}`, null));
        return void result.retries.push({ subscriberId, reason: 'throttled', retryInMs: THROTTLED_RETRY_MS + Math.floor(Math.random() * THROTTLED_RETRY_MS), error: failure });
      }
      if (attempt.finalAttempt) {
        log.warn({ event: 'digest.send.failed', editionId, subscriberId, err: redactAddresses(failure.message) }, 'last attempt failed');
        await record(editionId, subscriberId, 'failed');
        return void result.outcomes.set(subscriberId, 'failed');
      }
      await giveBack([subscriberId]);
      result.retries.push({ subscriberId, reason: 'transient', retryInMs: 0, error: failure });
    }

    try {
      for (let next = 0; next < subscriberIds.length && !stop; ) {
        // Claim only what can go out now: places in flight first, then the shared permits.
        let places = await slots.acquireUpTo(Math.min(CLAIM_CHUNK, subscriberIds.length - next), batch);
        try {
          if (attempt.signal?.aborted) throw new SendAbortedError('lock lost before SMTP');
          const granted = await permits(places, attempt.signal);
          slots.release(places - granted);
          places = granted;
        } catch (err) {
          slots.release(places);
          halt(err instanceof RateWaitAbortedError ? new SendAbortedError(err.message) : (err as Error));
          break;
        }
        const ids = subscriberIds.slice(next, next + places);
        next += ids.length;
        let claim;
        try {
          claim = await written(() => ledger.claimPage(editionId, ids, read, token), editionId, 'claims');
        } catch (err) {
          slots.release(places);
          throw err;
        }
        if (claim.outcome !== 'claims') {
          slots.release(places);
          halt(claim.outcome === 'paused' ? new EditionPausedError(editionId, claim.reason) : new SendLaterError(claim.retryInMs, 'the slot has not begun'));
          break;
        }
        const claimed = claim.claims.flatMap((c, i) => (c.outcome === 'claimed' ? [{ id: ids[i]!, c }] : []));
        let suppressed: ReadonlySet<string> = new Set();
        if (claimed.length > 0) {
          const emails = claimed.map(({ c }) => c.subscriber.email).filter((e): e is string => typeof e === 'string');
          try {
            suppressed = await written(() => ports.subscribers.suppressedAmong(emails), editionId, 'suppressions');
          } catch (err) {
            // (A release that fails too leaves the claims: `unknown` later, never a resend.)
            await giveBack(claimed.map(({ id }) => id)).catch(() => undefined);
            slots.release(places);
            throw err;
          }
        }
        for (let i = 0; i < ids.length; i++) {
          const subscriberId = ids[i]!;
          const c = claim.claims[i]!;
          if (c.outcome !== 'claimed') {
            slots.release(1);
            if (c.outcome === 'done') {
              result.outcomes.set(subscriberId, `already-${c.state}`);
              // The claim that wrote this reader off may have finished the edition and lost its reply.
              if (c.finished) await settleFinished(editionId).catch((err: unknown) => void halt(err as Error));
            } else if (c.outcome === 'busy') result.retries.push({ subscriberId, reason: 'busy', retryInMs: c.retryInMs });
            else {
              // A previous run claimed and never recorded an outcome: it may have delivered.
              log.warn({ event: 'digest.send.unknown', editionId, subscriberId }, 'claimed by a run that died; not resending');
              result.outcomes.set(subscriberId, 'unknown');
              // The rest of the chunk holds places: a failure here stops the page, it does not leak them.
              await finished(editionId, c).catch((err: unknown) => void halt(err as Error));
            }
            continue;
          }
          const sending = deliver(subscriberId, c, suppressed)
            .catch((err: unknown) => void halt(err as Error)) // a write that never landed: the claim stays (unknown later)
            .finally(() => {
              slots.release(1);
              underWay.delete(sending);
            });
          underWay.add(sending);
        }
      }
    } finally {
      await Promise.all(underWay);
    }
    if (stop) throw stop;
    return result;
  }

  return { sendPage };
}

export type Sender = ReturnType<typeof createSender>;
