// Places for messages in flight in one process, taken several at a time: a page of sends
// claims as many readers as there are places free, so a crash can leave at most `size`
// claims without an outcome. Waiters are served in order.
export interface Slots {
  /**
   * Waits until `batch` places are free (fewer when `want` or the size is smaller); takes up
   * to `want` of them and says how many. A batch makes one claim round trip serve several
   * messages instead of one each time a message ends.
   */
  acquireUpTo(want: number, batch?: number): Promise<number>;
  release(n: number): void;
}

export function createSlots(size: number): Slots {
  let free = size;
  const waiting: { want: number; least: number; take(n: number): void }[] = [];

  function serve() {
    while (waiting.length > 0 && free >= waiting[0]!.least) {
      const w = waiting.shift()!;
      const n = Math.min(free, w.want);
      free -= n;
      w.take(n);
    }
  }

  return {
    acquireUpTo(want, batch = 1) {
      const n = Math.max(1, Math.floor(want));
      const least = Math.max(1, Math.min(n, Math.floor(batch), size));
      if (waiting.length === 0 && free >= least) {
        const taken = Math.min(free, n);
        free -= taken;
        return Promise.resolve(taken);
      }
      return new Promise((take) => {
        waiting.push({ want: n, least, take });
        serve();
      });
    },
    release(n) {
      if (n <= 0) return;
      free = Math.min(size, free + n);
      serve();
    },
  };
}
