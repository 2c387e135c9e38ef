// What a failed send means, in terms every transport uses. Each transport decides
// once, from its own replies (SMTP: smtp-transport.ts), and throws one of these;
// callers act on the class and pass it on unchanged, never classify it again.
export abstract class DeliveryFailure extends Error {}

/** Refused for good: no retry. `recipientRejected`: a hard bounce, the address is suppressed. */
export class PermanentDeliveryError extends DeliveryFailure {
  override name = 'PermanentDeliveryError';
  constructor(
    message: string,
    readonly responseCode: number,
    /** True when the relay refused the recipient (a hard bounce): the address is suppressed. */
    readonly recipientRejected: boolean,
  ) {
    super(message);
  }
}

/** Not now for this message (4xx, a timeout, a dropped connection before the message went out): retry with backoff. */
export class TransientDeliveryError extends DeliveryFailure {
  override name = 'TransientDeliveryError';
  constructor(
    message: string,
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

/**
 * The relay is throttling us (421 or 451 to a message, or a 4xx saying "too many"/"rate"): it
 * works, but wants fewer messages a second. The message is retried later and the shared send
 * rate goes down (adaptive-rate.ts), instead of pausing every worker.
 */
export class RelayThrottlingError extends TransientDeliveryError {
  override name = 'RelayThrottlingError';
}

/** The relay itself is unavailable (refused, 421 at the session's start, unreachable): pause the whole send queue. */
export class RelayUnavailableError extends DeliveryFailure {
  override name = 'RelayUnavailableError';
  constructor(
    message: string,
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

/**
 * The connection closed with this message in flight: the relay may have accepted it and
 * its reply was lost. Sending again could deliver twice, so the send ends `unknown`.
 */
export class AmbiguousDeliveryError extends DeliveryFailure {
  override name = 'AmbiguousDeliveryError';
}

/** The failure as classified by the transport; anything a transport did not classify is transient. */
export function asDeliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  return new TransientDeliveryError(error instanceof Error ? error.message : String(error), null);
}
