// CPU budget for one source's parse and clean. A synchronous parse cannot be
// interrupted from outside, so the tokenizer loops call `check()` between bounded
// chunks of work (tens of KB each) and `breathe()` to let other sources run.
// Only the time inside this source's slices counts, so sources parsed side by side
// do not charge each other. The frequent check reads the monotonic clock (cheap);
// CPU time (a getrusage call) is read only once the wall time has passed the limit,
// because CPU time inside a slice can never exceed its wall time.

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
  /** CPU ms of finished slices. */
  private usedMs = 0;
  private sliceWall = performance.now();
  private sliceCpu = process.cpuUsage();

  constructor(readonly limitMs: number = DEFAULT_CPU_BUDGET_MS) {}

  private sliceCpuMs(): number {
    const d = process.cpuUsage(this.sliceCpu);
    return (d.user + d.system) / 1000;
  }

  /** CPU milliseconds this source has used so far. */
  get spentMs(): number {
    return this.usedMs + this.sliceCpuMs();
  }

  /** Throw once the allowance is spent. */
  check(): void {
    if (this.usedMs + (performance.now() - this.sliceWall) <= this.limitMs) return;
    if (this.spentMs > this.limitMs) {
      throw new CpuBudgetError(`parse and clean took over ${this.limitMs} ms of CPU; source abandoned`);
    }
  }

  /** Check; true when this slice has run long enough that the event loop should get a turn. */
  due(): boolean {
    this.check();
    return performance.now() - this.sliceWall >= YIELD_EVERY_MS;
  }

  /** Give the event loop a turn (other sources, timers, sockets); the time away is not charged. */
  async yield(): Promise<void> {
    this.usedMs += this.sliceCpuMs();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceWall = performance.now();
    this.sliceCpu = process.cpuUsage();
  }

  /** Check, and every few tens of ms of work give the event loop a turn. */
  async breathe(): Promise<void> {
    if (this.due()) await this.yield();
  }
}
