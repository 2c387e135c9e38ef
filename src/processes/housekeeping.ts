// Housekeeping that runs beside the scheduler: delete sign-ups never confirmed
// within PENDING_TTL_DAYS. Idempotent, so several schedulers may run it.
import cron from 'node-cron';
import type { AppContext } from '../context.js';
import type { Running } from './api.js';

export async function purgeExpiredPending(ctx: AppContext, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - ctx.config.PENDING_TTL_DAYS * 86_400_000);
  const removed = await ctx.subscriptions.purgePending(cutoff);
  if (removed > 0) ctx.log.info({ event: 'subscribers.purged', removed }, 'unconfirmed sign-ups purged');
  return removed;
}

export async function startHousekeeping(ctx: AppContext): Promise<Running> {
  const run = async () => {
    try {
      await purgeExpiredPending(ctx);
    } catch (err) {
      ctx.log.error({ event: 'housekeeping.failed', err: (err as Error).message }, 'housekeeping failed');
    }
  };
  const task = cron.schedule('17 * * * *', run, { name: 'digest-housekeeping', noOverlap: true });
  await run();
  let closing: Promise<void> | undefined;
  return { close: () => (closing ??= Promise.resolve(task.destroy()).then(() => undefined)) };
}
