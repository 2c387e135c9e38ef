import { afterEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { QUEUE } from '../../src/queues/names.js';
import { schedulerTick, cancelledSlots, editionJobId } from '../../src/delivery/schedule.js';
import { runEditionJob } from '../../src/delivery/edition-job.js';
import { createLedger } from '../../src/delivery/ledger.js';
import { startScheduler } from '../../src/processes/scheduler.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix } from '../helpers/redis.js';
import { fakeEditions, seedReaders } from './fixtures/harness.js';

const contexts: AppContext[] = [];
afterEach(async () => {
  const first = contexts[0];
  if (first) await dropPrefix(first.redis, first.config.KEY_PREFIX);
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** Two contexts on one prefix: two scheduler instances. */
function twoInstances(): [AppContext, AppContext] {
  const config = testConfig({ FRESHNESS_HOURS: '3' });
  const a = createContext(config, { name: 'sched-a' });
  const b = createContext(config, { name: 'sched-b' });
  contexts.push(a, b);
  return [a, b];
}

const depsOf = (ctx: AppContext) => ({
  redis: ctx.redis,
  keys: ctx.keys,
  log: ctx.log,
  slotsInUse: () => ctx.subscribers.slotsInUse(),
  editionQueue: ctx.queues[QUEUE.edition],
  freshnessHours: 3,
});

describe('scheduler', () => {
  it('two instances ticking for the same slot enqueue one edition', async () => {
    const [a, b] = twoInstances();
    await seedReaders(a.subscribers, 3, { timezone: 'Asia/Kathmandu', sendHour: 7 });
    await seedReaders(a.subscribers, 2, { timezone: 'Europe/London', sendHour: 7 }, 3);
    const now = new Date('2026-11-24T01:16:00Z'); // 07:01 in Kathmandu
    const results = await Promise.all([schedulerTick(depsOf(a), now), schedulerTick(depsOf(b), now), schedulerTick(depsOf(a), now)]);
    expect(results.flatMap((r) => r.enqueued).every((s) => s === '2026-11-24T01:15:00.000Z')).toBe(true);
    const jobs = await a.queues[QUEUE.edition].getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.map((j) => j.id)).toEqual([editionJobId('2026-11-24T01:15:00.000Z', 'scheduled')]);
    expect(jobs[0]!.data).toEqual({ slot: '2026-11-24T01:15:00.000Z', mode: 'scheduled' });
    // A later tick the same day adds nothing new for that slot; London's comes at 07:00Z.
    const later = await schedulerTick(depsOf(b), new Date('2026-11-24T07:00:30Z'));
    expect(later.enqueued).toEqual(['2026-11-24T07:00:00.000Z']);
    expect(await a.queues[QUEUE.edition].count()).toBe(2);
  });

  it('after downtime: catches up a missed slot inside FRESHNESS_HOURS, cancels older ones visibly', async () => {
    const [a] = twoInstances();
    await seedReaders(a.subscribers, 1, { timezone: 'Europe/London', sendHour: 7 });
    await seedReaders(a.subscribers, 1, { timezone: 'Europe/London', sendHour: 10 }, 1);
    await seedReaders(a.subscribers, 1, { timezone: 'Europe/London', sendHour: 12 }, 2);
    // Last tick at 06:00Z, then down until 12:30Z.
    await schedulerTick(depsOf(a), new Date('2026-11-24T06:00:00Z'));
    const result = await schedulerTick(depsOf(a), new Date('2026-11-24T12:30:00Z'));
    expect(result.cancelled).toEqual(['2026-11-24T07:00:00.000Z']); // 5.5 h late
    expect(result.enqueued).toEqual(['2026-11-24T10:00:00.000Z', '2026-11-24T12:00:00.000Z']); // 2.5 h and 0.5 h late
    expect((await cancelledSlots(a)).map((c) => c.slot)).toEqual(['2026-11-24T07:00:00.000Z']);
    // Ticking again decides nothing twice.
    expect(await schedulerTick(depsOf(a), new Date('2026-11-24T12:31:00Z'))).toEqual({ enqueued: [], cancelled: [] });
  });

  it('a first-ever tick cancels nothing, and a build that starts too late is cancelled, not sent', async () => {
    const [a] = twoInstances();
    await seedReaders(a.subscribers, 1, { timezone: 'Europe/London', sendHour: 7 });
    expect(await schedulerTick(depsOf(a), new Date('2026-11-24T12:00:00Z'))).toEqual({ enqueued: [], cancelled: [] });
    const editions = fakeEditions(a.redis, a.keys);
    const fanout: unknown[] = [];
    const deps = {
      redis: a.redis,
      keys: a.keys,
      log: a.log,
      freshnessHours: 3,
      editions,
      ledger: createLedger({ redis: a.redis, keys: a.keys }),
      fanoutQueue: { add: async (_n: string, data: unknown) => void fanout.push(data) },
      now: () => new Date('2026-11-24T10:30:00Z'),
    };
    const stale = await runEditionJob(deps, { slot: '2026-11-24T07:00:00.000Z', mode: 'scheduled' });
    expect(stale.status).toBe('cancelled');
    expect(editions.builds).toBe(0);
    expect((await cancelledSlots(a)).map((c) => c.slot)).toEqual(['2026-11-24T07:00:00.000Z']);
    const fresh = await runEditionJob(deps, { slot: '2026-11-24T08:00:00.000Z', mode: 'scheduled' });
    expect(fresh.status).toBe('ready');
    expect(fanout).toEqual([{ editionId: fresh.editionId }]);
  });

  it('startScheduler ticks on start and enqueues the ingest period too', async () => {
    const [a] = twoInstances();
    await seedReaders(a.subscribers, 1, { timezone: 'Asia/Kolkata', sendHour: 7 });
    const running = await startScheduler(a, { now: () => new Date('2026-11-24T01:31:00Z'), cron: '0 0 1 1 *' });
    await running.close();
    expect((await a.queues[QUEUE.edition].getJobs(['waiting'])).map((j) => j.data.slot)).toEqual(['2026-11-24T01:30:00.000Z']);
    expect(await a.queues[QUEUE.ingest].count()).toBe(1);
  });
});
