// `digest queues` (counts per queue and state) and `digest queues retry-failed [QUEUE]`.
import type { JobType } from 'bullmq';
import type { AppContext } from '../context.js';
import { ALL_QUEUES, type QueueName } from '../queues/names.js';
import { table, type Output } from './output.js';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const satisfies readonly JobType[];

export async function queueCounts(ctx: AppContext): Promise<Record<QueueName, Record<string, number>>> {
  const entries = await Promise.all(
    ALL_QUEUES.map(async (name) => [name, await ctx.queues[name].getJobCounts(...JOB_STATES)] as const),
  );
  return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
}

export async function queuesCommand(ctx: AppContext, args: string[], out: Output): Promise<number> {
  const [sub, name] = args;
  if (sub === 'retry-failed') {
    const targets = name ? [name] : [...ALL_QUEUES];
    for (const target of targets) {
      if (!ALL_QUEUES.includes(target as QueueName)) return out.usage(`digest queues retry-failed [${ALL_QUEUES.join('|')}]`);
      const queue = ctx.queues[target as QueueName];
      const before = await queue.getFailedCount();
      await queue.retryJobs({ state: 'failed', count: 1000 });
      out.line(`${target}: ${before} failed job(s) moved back to waiting`);
    }
    return 0;
  }
  if (sub !== undefined) return out.usage('digest queues [retry-failed [QUEUE]]');
  const counts = await queueCounts(ctx);
  out.line(table([['queue', ...JOB_STATES], ...ALL_QUEUES.map((q) => [q, ...JOB_STATES.map((s) => counts[q][s] ?? 0)])]));
  return 0;
}
