// Long-running processes: api, worker, scheduler, or all three in one process.
// SIGTERM/SIGINT: stop taking work, finish what is in flight (bounded), close.
import type { Config } from '../config.js';
import { createContext } from '../context.js';
import type { Running } from '../processes/api.js';
import { startHeartbeat } from '../ops/heartbeat.js';
import { whenConnected } from '../redis-tls.js';

export type ProcessName = 'api' | 'worker' | 'scheduler';

export async function runProcesses(config: Config, names: ProcessName[]): Promise<number> {
  const ctx = createContext(config, { name: names.join('+'), redisRole: names.includes('api') && names.length === 1 ? 'request' : 'command' });
  const running: Running[] = [];
  try {
    await whenConnected(ctx.redis);
    for (const name of names) {
      // Each role is imported only when this process runs it: a worker does not load
      // fastify, bull-board and the pages; an api does not load the job processors.
      if (name === 'api') running.push(await (await import('../processes/api.js')).startApi(ctx));
      if (name === 'worker') running.push(await (await import('../processes/worker.js')).startWorkers(ctx));
      if (name === 'scheduler') {
        const { startScheduler } = await import('../processes/scheduler.js');
        const { startHousekeeping } = await import('../processes/housekeeping.js');
        const heartbeat = startHeartbeat({ redis: ctx.redis, keys: ctx.keys, log: ctx.log }, 'scheduler');
        running.push(await startScheduler(ctx), await startHousekeeping(ctx), { close: () => heartbeat.stop() });
      }
    }
  } catch (err) {
    ctx.log.fatal({ event: 'process.start-failed', err: (err as Error).message }, 'could not start');
    await Promise.allSettled(running.map((r) => r.close()));
    await ctx.close();
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info({ event: 'process.stopping', signal }, 'shutting down');
      await Promise.allSettled(running.map((r) => r.close()));
      await ctx.close();
      ctx.log.info({ event: 'process.stopped' }, 'stopped');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
