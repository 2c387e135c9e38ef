// Real processes: two workers share an edition of 2,000 readers.
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './fixtures/run.js';
import { seedReaders } from './fixtures/harness.js';
import { childEnv, countPerRecipient, killAll, spawnWorker, type ChildWorker } from './fixtures/spawn.js';
import { QUEUE } from '../../src/queues/names.js';

let r: Rig | undefined;
const children: ChildWorker[] = [];
afterEach(async () => {
  killAll(children);
  await r?.close();
  r = undefined;
});

describe('exactly once across processes', () => {
  it('2,000 readers, two worker processes: one message each, work shared', async () => {
    r = await rig();
    await seedReaders(r.ctx.subscribers, 2000);
    const a = spawnWorker(childEnv(r, { SEND_CONCURRENCY: '10' }));
    const b = spawnWorker(childEnv(r, { SEND_CONCURRENCY: '10' }));
    children.push(a, b);
    await Promise.all([a.ready, b.ready]);
    const slot = new Date().toISOString();
    const started = Date.now();
    await r.ctx.queues[QUEUE.edition].add('edition', { slot, mode: 'now' });
    const report = await r.waitFinished(r.ports.editions.editionIdForSlot(slot, 'now'), 50_000);
    const seconds = (Date.now() - started) / 1000;
    expect(report).toMatchObject({ queued: 2000, sent: 2000, failed: 0, bounced: 0, unknown: 0, skipped: 0, pending: 0 });
    const counts = countPerRecipient(r.smtp);
    expect(counts.size).toBe(2000);
    expect(Math.max(...counts.values())).toBe(1);
    const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
    expect(ra.completed + rb.completed).toBe(2000);
    expect(Math.min(ra.completed, rb.completed)).toBeGreaterThan(200);
    console.log(`2000 messages by two processes in ${seconds.toFixed(1)} s (${(2000 / seconds).toFixed(0)}/s); split ${ra.completed}/${rb.completed}`);
  }, 60_000);

});
