// Preloaded into a process of the system (node --import) to shift its clock by
// CHAOS_CLOCK_OFFSET_MS: a slot boundary that arrives during the scenario (4, 13), a host
// whose clock is off (13). Only `Date` moves; timers and performance.now() still run in
// real time, which is what a skewed host clock does.
const offset = Number(process.env.CHAOS_CLOCK_OFFSET_MS ?? 0);
if (offset) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
