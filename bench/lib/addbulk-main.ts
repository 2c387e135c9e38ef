// Baseline for the fan-out benchmark, run as its own process: BullMQ's own addBulk of
// the same send jobs (same data, ids and options, pages of 1000), nothing else.
// argv: count editionId. Prints {"added": n, "ms": t}.
import { Queue } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/context.js';
import { QUEUE } from '../../src/queues/names.js';
import { jobId } from '../../src/queues/jobs.js';

const count = Number(process.argv[2]);
const editionId = process.argv[3]!;
const ctx = createContext(loadConfig(process.env), { name: 'bench-addbulk' });
const queue = new Queue('bench-addbulk', { connection: ctx.connection, prefix: ctx.config.KEY_PREFIX, defaultJobOptions: ctx.queues[QUEUE.send].defaultJobOptions });
const page = 1000;
const t0 = performance.now();
for (let start = 1; start <= count; start += page) {
  const jobs = [];
  for (let i = start; i < Math.min(count + 1, start + page); i += 1) {
    const subscriberId = String(i).padStart(12, '0');
    jobs.push({ name: 'send', data: { editionId, subscriberId }, opts: { jobId: jobId('send', editionId, subscriberId) } });
  }
  await queue.addBulk(jobs);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ added: count, ms: Math.round(ms) }));
await queue.close();
await ctx.close();
