// Preloaded into a scheduler process (node --import) to shift its clock by
// CHAOS_CLOCK_OFFSET_MS, so a slot boundary arrives during the scenario. Only
// `Date` moves; timers still run in real time, which is what a skewed host clock does.
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
