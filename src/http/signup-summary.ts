// One info line a minute with the signup outcomes counted since the last one, instead
// of a line per signup (writing that line was ~8 % of the api's CPU per signup).
import type { Logger } from '../log.js';
import type { SignupOutcome } from '../subscribers/service.js';

export function startSignupSummary(log: Logger, intervalMs = 60_000) {
  let counts: Partial<Record<SignupOutcome, number>> = {};
  let since = Date.now();
  const flush = () => {
    if (Object.keys(counts).length > 0) {
      log.info({ event: 'signup.summary', outcomes: counts, seconds: Math.round((Date.now() - since) / 1000) }, 'signups');
    }
    counts = {};
    since = Date.now();
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  return {
    count(outcome: SignupOutcome): void {
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    },
    /** Logs what is left and stops. */
    stop(): void {
      clearInterval(timer);
      flush();
    },
  };
}
