// CPU budget for one source's parse and clean. A synchronous parse cannot be
// interrupted from outside, so the tokenizer loops call `check()` between bounded
// chunks of work (tens of KB each) and `breathe()` to let other sources run.
// Only the time spent inside this source's slices is counted, so sources parsed
// side by side do not charge each other.

/** Parse + clean took more CPU than the source is allowed; the source is abandoned. */
export class CpuBudgetError extends Error {
  override name = 'CpuBudgetError';
}

/** Default CPU allowance per source (parse + clean). */
export const DEFAULT_CPU_BUDGET_MS = 10_000;

/** Chunk size for tokenizer writes: small enough that one chunk is milliseconds of work. */
export const CHUNK_CHARS = 64 * 1024;

const YIELD_EVERY_MS = 25;

export class CpuBudget {
  private usedMs = 0;
  private sliceStart = process.cpuUsage();

  constructor(readonly limitMs: number = DEFAULT_CPU_BUDGET_MS) {}

  /** CPU milliseconds this source has used so far. */
  get spentMs(): number {
    return this.usedMs + this.sliceMs();
  }

  private sliceMs(): number {
    const d = process.cpuUsage(this.sliceStart);
    return (d.user + d.system) / 1000;
  }

  /** Throw once the allowance is spent. Cheap (one cpuUsage call). */
  check(): void {
    if (this.spentMs > this.limitMs) {
      throw new CpuBudgetError(`parse and clean took over ${this.limitMs} ms of CPU; source abandoned`);
    }
  }

  /** Check, and every few tens of ms of work give the event loop a turn (other sources, timers, sockets). */
  async breathe(): Promise<void> {
    this.check();
    const slice = this.sliceMs();
    if (slice < YIELD_EVERY_MS) return;
    this.usedMs += slice;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = process.cpuUsage();
  }
}

/** A budget that never runs out (pure-function callers and tests of other things). */
export const unlimited = (): CpuBudget => new CpuBudget(Number.POSITIVE_INFINITY);
