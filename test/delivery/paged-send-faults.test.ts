// Paged sends under faults (review of the paged send path): what a crash could leave `unknown`
// while readers fail for now, and what a lost reply does to the edition's finish.
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './fixtures/run.js';
import { seedReaders } from './fixtures/harness.js';
import { QUEUE } from '../../src/queues/names.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('paged sends under faults', () => {
  it('a reader refused for now gives its claim back at once: claims without an outcome stay within SEND_CONCURRENCY', async () => {
    r = await rig({ SEND_CONCURRENCY: '3', SEND_PAGE_SIZE: '50' });
    await seedReaders(r.ctx.subscribers, 40);
    // Every other reader is refused once with a 450 (not throttling), and each message takes 20 ms.
    const refused = new Set<string>();
    r.smtp.onRcpt = (address) => {
      if (Number(/\d+/.exec(address)![0]) % 2 === 0 && !refused.has(address)) {
        refused.add(address);
        return { code: 450, message: '4.2.1 Mailbox busy' };
      }
      return undefined;
    };
    r.slowRelay(20);
    r.startWorkers();
    const editionId = await r.sendNow();
    const most = await r.peakClaims(editionId);
    expect(refused.size).toBe(20);
    // Each claim still held is one a kill -9 now would leave `unknown` (never sent).
    expect(most).toBeLessThanOrEqual(3);
    expect(await r.ledger.report(editionId)).toMatchObject({ queued: 40, sent: 40, unknown: 0 });
  }, 60_000);

  it('the edition is done even when the reply to its last outcomes was lost (the batch written again finds them applied)', async () => {
    r = await rig({ SEND_PAGE_SIZE: '10' });
    await seedReaders(r.ctx.subscribers, 5);
    // Redis runs the batch that finishes the edition, and the connection drops before its reply:
    // what ioredis (resending unanswered commands) and untilWritten then see.
    const ledger = r.ctx.ledger;
    const real = ledger.finishMany.bind(ledger);
    let dropped = false;
    ledger.finishMany = async (...args: Parameters<typeof real>) => {
      const result = await real(...args);
      if (result.finished && !dropped) {
        dropped = true;
        throw new Error('Connection is closed.');
      }
      return result;
    };
    r.startWorkers();
    const editionId = await r.sendNow();
    expect(await r.waitFinished(editionId)).toMatchObject({ queued: 5, sent: 5 });
    const until = Date.now() + 5_000;
    while ((await r.ctx.redis.hget(r.ctx.keys.edition(editionId), 'status')) !== 'done' && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    expect(dropped).toBe(true);
    expect(await r.ctx.redis.hget(r.ctx.keys.edition(editionId), 'status')).toBe('done');
  }, 30_000);

  it('SIGTERM mid-page: the page stops claiming and the worker closes within its deadline, nothing left claimed; a new worker sends the rest once', async () => {
    // A page of 100 at 20 messages/s takes 5 s, far longer than the close deadline below.
    r = await rig({ SEND_CONCURRENCY: '4', SEND_PAGE_SIZE: '100', SEND_RATE_PER_SEC: '20' });
    await seedReaders(r.ctx.subscribers, 100);
    r.startWorkers({ closeTimeoutMs: 1000 });
    const editionId = await r.sendNow();
    await r.smtp.waitFor(5, 20_000);
    const t0 = Date.now();
    await r.workers!.close();
    // A close that outlives its deadline is ended by the orchestrator's SIGKILL: its claims become `unknown`.
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await r.ctx.redis.hlen(r.ctx.keys.ledgerClaims(editionId))).toBe(0);
    expect(r.smtp.messages.length).toBeLessThan(100);
    r.startWorkers();
    const report = await r.waitFinished(editionId, 30_000);
    expect(report).toMatchObject({ queued: 100, sent: 100, unknown: 0 });
    const to = r.smtp.messages.flatMap((m) => m.envelopeTo);
    expect(new Set(to).size).toBe(100);
    expect(to).toHaveLength(100);
    // Stopping cost the page no attempt (a page stopped at every deploy must not run out of them).
    const queue = r.ctx.queues[QUEUE.send];
    while ((await queue.getCompletedCount()) < 1) await new Promise((res) => setTimeout(res, 20));
    const [page] = await queue.getCompleted();
    expect(page!.attemptsMade).toBeLessThan(2);
  }, 60_000);

  it('a reader the relay throttles for ever is given up after the give-up time (30 min by default), so the edition finishes; the others go out once', async () => {
    r = await rig({ SEND_PAGE_SIZE: '100' });
    await seedReaders(r.ctx.subscribers, 20);
    let throttled = 0;
    // One recipient's domain rate limit that never lifts (throttling, not a refusal: no attempt is spent on it).
    r.smtp.onRcpt = (address) => (address === 'r00007@example.test' ? (throttled++, { code: 451, message: '4.7.1 Too many messages, slow down' }) : undefined);
    r.startWorkers({ throttleGiveUpMs: 2500 });
    const editionId = await r.sendNow();
    const report = await r.waitFinished(editionId, 30_000);
    expect(report).toMatchObject({ queued: 20, sent: 19, failed: 1, unknown: 0 });
    expect(throttled).toBeGreaterThanOrEqual(2); // retried alone, then given up
    const to = r.smtp.messages.flatMap((m) => m.envelopeTo);
    expect(to).toHaveLength(19);
    expect(to).not.toContain('r00007@example.test');
    expect(await r.ctx.subscribers.findByEmail('r00007@example.test')).toMatchObject({ status: 'confirmed' }); // not a bounce
  }, 40_000);
});
