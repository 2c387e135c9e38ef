// The scheduler process: a node-cron tick every minute (and one at start) that
// enqueues due edition slots and the periodic ingest. Any number may run: every
// enqueue has a deterministic id and slots are claimed in Redis.
import cron from 'node-cron';
import type { AppContext } from '../context.js';
import { QUEUE } from '../queues/names.js';
import { schedulerTick, type TickResult } from '../delivery/schedule.js';
import { enqueueIngest } from '../stories/schedule.js';

export interface SchedulerOptions {
  /** node-cron expression (default every minute: slots start at :00, :15, :30 and :45). */
  cron?: string;
  /** Clock for tests. */
  now?: () => Date;
}

export interface RunningScheduler {
  /** Run one tick now (also what the cron task calls). */
  tick(): Promise<TickResult>;
  close(): Promise<void>;
}

export async function startScheduler(ctx: AppContext, options: SchedulerOptions = {}): Promise<RunningScheduler> {
  const now = options.now ?? (() => new Date());
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    slotsInUse: () => ctx.subscribers.slotsInUse(),
    editionQueue: ctx.queues[QUEUE.edition],
    freshnessHours: ctx.config.FRESHNESS_HOURS,
  };
  const tick = async (): Promise<TickResult> => {
    const at = now();
    const [result] = await Promise.all([schedulerTick(deps, at), enqueueIngest(ctx.queues[QUEUE.ingest], at, ctx.config.INGEST_EVERY_MINUTES)]);
    return result;
  };
  const safeTick = async () => {
    try {
      await tick();
    } catch (err) {
      // The next tick retries; a Redis blip must not kill the process.
      ctx.log.error({ event: 'scheduler.tick-failed', err: (err as Error).message }, 'scheduler tick failed');
    }
  };
  const task = cron.schedule(options.cron ?? '* * * * *', safeTick, { name: 'digest-scheduler', noOverlap: true });
  await safeTick();
  ctx.log.info({ event: 'scheduler.started' }, 'scheduler started');
  let closing: Promise<void> | undefined;
  return {
    tick,
    close: () => (closing ??= Promise.resolve(task.destroy()).then(() => undefined)),
  };
}
