// A real worker process killed with SIGKILL mid-edition, then a new one.
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

describe('crash mid-edition', () => {
  it('kill -9 mid-edition, start a new worker: nobody gets two, only counted unknowns miss out', async () => {
    r = await rig();
    await seedReaders(r.ctx.subscribers, 600);
    // Slow the relay down so the kill lands with sends in flight.
    r.smtp.onData = () => undefined;
    const lock = { TEST_LOCK_MS: '1500', TEST_STALLED_MS: '500', JOB_LOCK_SEC: '5', SEND_CONCURRENCY: '8' };
    const a = spawnWorker(childEnv(r, lock));
    children.push(a);
    await a.ready;
    const slot = new Date().toISOString();
    const editionId = r.ports.editions.editionIdForSlot(slot, 'now');
    await r.ctx.queues[QUEUE.edition].add('edition', { slot, mode: 'now' });
    await r.smtp.waitFor(150, 30_000);
    a.proc.kill('SIGKILL');
    await new Promise((res) => a.proc.once('exit', res));
    const atKill = (await r.ledger.report(editionId)).sent;
    expect(atKill).toBeLessThan(600);

    const b = spawnWorker(childEnv(r, lock));
    children.push(b);
    await b.ready;
    const report = await r.waitFinished(editionId, 40_000);
    const counts = countPerRecipient(r.smtp);
    expect(Math.max(...counts.values())).toBe(1);
    expect(report.queued).toBe(600);
    expect(report.sent + report.unknown).toBe(600);
    expect(report.unknown).toBeLessThanOrEqual(8);
    // Whoever got no message is among the unknowns.
    const entries = await r.ctx.redis.hgetall(r.ctx.keys.ledger(editionId));
    const unknownIds = Object.entries(entries).filter(([, s]) => s === 'unknown').map(([id]) => id);
    const unknownEmails = new Set((await Promise.all(unknownIds.map((id) => r!.ctx.subscribers.get(id)))).map((s) => s!.email));
    const missing = 600 - counts.size;
    expect(missing).toBeLessThanOrEqual(report.unknown);
    for (let i = 0; i < 600; i++) {
      const email = `r${String(i).padStart(5, '0')}@example.test`;
      if (!counts.has(email)) expect(unknownEmails.has(email)).toBe(true);
    }
    console.log(`crash: ${atKill} sent before kill -9, ${report.unknown} unknown, ${missing} of them not delivered`);
    await b.stop();
  }, 60_000);
});
