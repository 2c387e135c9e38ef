// Peak memory of a phase run inside the benchmark process itself.
// RSS: the kernel's high-water mark (VmHWM), reset at the start of the phase by writing
// 5 to /proc/self/clear_refs, so the peak is exact, even inside a long synchronous call.
// Heap: sampled (every few ms while the event loop turns, and wherever `sample()` is
// called, e.g. after each MJML compile), so used heap is a lower bound of the true peak;
// committed heap (heapTotal) only shrinks after a major GC, so its sampled peak is steadier.
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC before a baseline reading (`--expose-gc` turned on at runtime). */
export function forceGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function vmHwm(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb ?? 0) * 1024;
}

export interface PhaseMemory {
  /** Bytes at the start of the phase (after a GC). */
  rssBefore: number;
  heapBefore: number;
  /** Peaks during the phase, bytes. */
  peakRss: number;
  /** Used heap, sampled. */
  peakHeap: number;
  /** Committed heap (heapTotal), sampled. */
  peakHeapTotal: number;
  /** false when clear_refs could not be written: peakRss is then the process's lifetime peak. */
  exactRss: boolean;
}

export function phaseMemory() {
  forceGc();
  const before = process.memoryUsage();
  let exactRss = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    exactRss = false;
  }
  let peakHeap = before.heapUsed;
  let peakHeapTotal = before.heapTotal;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakHeapTotal = Math.max(peakHeapTotal, m.heapTotal);
  };
  const timer = setInterval(sample, 5);
  return {
    sample,
    stop(): PhaseMemory {
      clearInterval(timer);
      sample();
      return { rssBefore: before.rss, heapBefore: before.heapUsed, peakRss: Math.max(vmHwm(), before.rss), peakHeap, peakHeapTotal, exactRss };
    },
  };
}
