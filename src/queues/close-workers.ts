// Graceful stop for BullMQ workers: stop taking jobs, let the jobs in flight finish,
// and close hard after a deadline (Worker#close has no timeout of its own).
import type { Worker } from 'bullmq';

export async function closeWorkers(
  workers: readonly Worker[],
  deadlineMs: number,
  onTimeout: (worker: Worker) => void = () => {},
): Promise<void> {
  await Promise.allSettled(
    workers.map(async (w) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), deadlineMs)));
      const outcome = await Promise.race([w.close().then(() => 'closed' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        onTimeout(w);
        await w.close(true);
      }
    }),
  );
}
