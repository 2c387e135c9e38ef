// Send jobs that carry a page of readers: claims only as many as can be in flight, a reader
// that fails for now is retried in a job of its own, pages are paced by the shared permits,
// and jobs of the earlier one-reader shape still go out.
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './fixtures/run.js';
import { seedReaders } from './fixtures/harness.js';
import { QUEUE } from '../../src/queues/names.js';
import { createSlots } from '../../src/delivery/slots.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('paged send jobs', () => {
  it('claims no more readers than SEND_CONCURRENCY at any moment (what a crash can leave unknown)', async () => {
    r = await rig({ SEND_CONCURRENCY: '3', SEND_PAGE_SIZE: '50' });
    await seedReaders(r.ctx.subscribers, 60);
    // A slow relay: each message takes 30 ms, so claims would pile up if taken a page at a time.
    r.slowRelay(30);
    r.startWorkers();
    const editionId = await r.sendNow();
    const most = await r.peakClaims(editionId);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(3);
    expect(await r.ledger.report(editionId)).toMatchObject({ queued: 60, sent: 60, unknown: 0 });
    // The edition is done with its last outcome; its job completes just after.
    while ((await r.ctx.queues[QUEUE.send].getCompletedCount()) < 2) await new Promise((res) => setTimeout(res, 20));
    const jobs = await r.ctx.queues[QUEUE.send].getCompleted();
    expect(jobs.map((j) => (j.data as { subscriberIds: string[] }).subscriberIds.length).sort()).toEqual([10, 50]);
  });

  it('a reader refused for now is retried alone, in a job of its own, and the rest of the page goes on', async () => {
    r = await rig({ SEND_PAGE_SIZE: '100' });
    await seedReaders(r.ctx.subscribers, 30);
    let refusals = 0;
    // r00004 is refused twice with a 450 (its mailbox busy), then accepted.
    r.smtp.onRcpt = (address) => (address === 'r00004@example.test' && refusals++ < 2 ? { code: 450, message: '4.2.1 Mailbox busy' } : undefined);
    r.startWorkers(); // (the rig's first retry waits 200 ms; the job's own backoff after that is 5 s)
    const editionId = await r.sendNow();
    const report = await r.waitFinished(editionId, 60_000);
    expect(report).toMatchObject({ queued: 30, sent: 30, failed: 0, unknown: 0 });
    const to = r.smtp.messages.flatMap((m) => m.envelopeTo);
    expect(to).toHaveLength(30);
    expect(new Set(to).size).toBe(30);
    const queue = r.ctx.queues[QUEUE.send];
    while ((await queue.getCompletedCount()) < 2) await new Promise((res) => setTimeout(res, 20));
    const done = await queue.getCompleted();
    const page = done.find((j) => (j.data as { subscriberIds: string[] }).subscriberIds.length === 30)!;
    expect(page.returnvalue).toEqual({ sent: 29, retried: 1 });
    const alone = done.filter((j) => j !== page);
    expect(alone).toHaveLength(1);
    expect(alone[0]!.data).toMatchObject({ subscriberIds: [expect.any(String)] });
    expect(alone[0]!.attemptsMade).toBe(2); // its own attempts: one failed (the second 450), one sent
    expect(alone[0]!.returnvalue).toEqual({ sent: 1, retried: 0 });
  }, 90_000);

  it('paces pages by the shared permits: never faster than SEND_RATE_PER_SEC', async () => {
    r = await rig({ SEND_RATE_PER_SEC: '40', SEND_PAGE_SIZE: '100' });
    await seedReaders(r.ctx.subscribers, 60);
    r.startWorkers();
    const editionId = await r.sendNow();
    await r.smtp.waitFor(1, 20_000);
    const first = Date.now();
    await r.waitFinished(editionId, 30_000);
    // 60 messages at 40/s with a bucket of 0.2 s (8): the last leaves no sooner than ~1.3 s after the first.
    expect(Date.now() - first).toBeGreaterThanOrEqual(1200);
    expect(r.smtp.messages).toHaveLength(60);
  }, 60_000);

  it('still sends a job of the earlier shape (one subscriberId), queued before an upgrade', async () => {
    r = await rig();
    const [id] = await seedReaders(r.ctx.subscribers, 1);
    const built = await r.ports.editions.build({ slot: new Date().toISOString(), mode: 'now' });
    await r.ledger.start(built.editionId, { slot: new Date().toISOString(), mode: 'now' });
    await r.ledger.markQueued(built.editionId, [id!]);
    await r.ledger.fanoutDone(built.editionId);
    await r.ctx.queues[QUEUE.send].add('send', { editionId: built.editionId, subscriberId: id! } as never, { jobId: `send-${built.editionId}-${id}` });
    r.startWorkers();
    expect(await r.waitFinished(built.editionId)).toMatchObject({ queued: 1, sent: 1 });
  });
});

describe('in-flight places', () => {
  it('serves waiters in order, each as many places as are free up to what it asked', async () => {
    const slots = createSlots(5);
    expect(await slots.acquireUpTo(3)).toBe(3);
    expect(await slots.acquireUpTo(10)).toBe(2);
    const order: string[] = [];
    const a = slots.acquireUpTo(4).then((n) => order.push(`a${n}`));
    const b = slots.acquireUpTo(1).then((n) => order.push(`b${n}`));
    slots.release(2);
    await a;
    slots.release(3);
    await b;
    expect(order).toEqual(['a2', 'b1']);
  });
});
