// Places for messages in flight in one process, taken several at a time: a page of sends
// claims as many readers as there are places free, so a crash can leave at most `size`
// claims without an outcome. Waiters are served in order.
export interface Slots {
  /** Waits until at least one place is free; takes up to `want` of them and says how many. */
  acquireUpTo(want: number): Promise<number>;
  release(n: number): void;
}

export function createSlots(size: number): Slots {
  let free = size;
  const waiting: { want: number; take(n: number): void }[] = [];

  function serve() {
    while (free > 0 && waiting.length > 0) {
      const w = waiting.shift()!;
      const n = Math.min(free, w.want);
      free -= n;
      w.take(n);
    }
  }

  return {
    acquireUpTo(want) {
      const n = Math.max(1, Math.floor(want));
      if (waiting.length === 0 && free > 0) {
        const taken = Math.min(free, n);
        free -= taken;
        return Promise.resolve(taken);
      }
      return new Promise((take) => {
        waiting.push({ want: n, take });
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
