import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { rig, type Rig } from './fixtures/run.js';
import { seedReaders } from './fixtures/harness.js';
import { QUEUE } from '../../src/queues/names.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('sending', () => {
  it('sets the bulk-sender headers and a DKIM signature that verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = `/tmp/md-dkim-${process.pid}.pem`;
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    r = await rig({ DKIM_DOMAIN: 'news.example.com', DKIM_SELECTOR: 'md1', DKIM_PRIVATE_KEY_FILE: keyFile });
    await seedReaders(r.ctx.subscribers, 1);
    r.startWorkers();
    const editionId = await r.sendNow();
    const [msg] = await r.smtp.waitFor(1);
    const report = await r.waitFinished(editionId);
    expect(report).toMatchObject({ queued: 1, sent: 1, failed: 0, unknown: 0 });

    const header = (key: string) => String(msg!.parsed.headerLines.find((l) => l.key === key)?.line ?? '').replace(/^[^:]+:\s*/, '');
    const unsub = header('list-unsubscribe');
    expect(unsub).toMatch(/<http:\/\/localhost:3000\/unsubscribe\/[^>]+>,\s*<mailto:unsubscribe@news\.example\.com\?subject=unsubscribe-[^>]+>/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header('list-id')).toContain('<digest.news.example.com>');
    expect(header('feedback-id')).toMatch(/^now\d+:now:digest:mddigest$/);
    expect(header('auto-submitted')).toBe('auto-generated');
    expect(msg!.parsed.messageId).toMatch(/@news\.example\.com>$/);
    expect(msg!.parsed.text).toContain('Hello Reader 0');

    const dns = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
    const result = await dkimVerify(msg!.raw, {
      resolver: async (name: string, rr: string) => {
        if (name === 'md1._domainkey.news.example.com' && rr === 'TXT') return [[dns]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    const sig = result.results[0]!;
    expect(sig.status.result).toBe('pass');
    const signed = /\bh=([^;]+);/.exec(header('dkim-signature').replace(/\s+/g, ''))?.[1]?.toLowerCase() ?? '';
    for (const header of ['list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'feedback-id', 'message-id']) {
      expect(signed).toContain(header);
    }
  });

  it('550 for some recipients: bounced, suppressed, not retried, not mailed in the next edition', async () => {
    r = await rig();
    const ids = await seedReaders(r.ctx.subscribers, 20);
    const bad = new Set(['r00003@example.test', 'r00011@example.test']);
    r.smtp.onRcpt = (address) => (bad.has(address) ? { code: 550, message: '5.1.1 No such user' } : undefined);
    r.startWorkers();
    const first = await r.sendNow('2026-11-24T07:00:00.000Z');
    const report = await r.waitFinished(first);
    expect(report).toMatchObject({ queued: 20, sent: 18, bounced: 2, failed: 0, unknown: 0, pausedReason: null });
    for (const email of bad) {
      expect(await r.ctx.subscribers.isSuppressed(email)).toBe(true);
      expect((await r.ctx.subscribers.findByEmail(email))?.status).toBe('bounced');
    }
    // One page job: the bounces are its readers' outcomes, not retried, no job of their own.
    expect(await r.ctx.queues[QUEUE.send].getFailedCount()).toBe(0);
    const [page, ...others] = await r.ctx.queues[QUEUE.send].getCompleted();
    expect(others).toHaveLength(0);
    expect(page!.returnvalue).toEqual({ sent: 18, bounced: 2, retried: 0 });

    r.smtp.onRcpt = undefined;
    const before = r.smtp.messages.length;
    const second = await r.sendNow('2026-11-25T07:00:00.000Z');
    expect(await r.waitFinished(second)).toMatchObject({ queued: 18, sent: 18 });
    const to = r.smtp.messages.slice(before).flatMap((m) => m.envelopeTo);
    expect(to).toHaveLength(18);
    expect(to.some((a) => bad.has(a))).toBe(false);
    expect(ids).toHaveLength(20);
  });

  it('a reader who unsubscribes after the fan-out gets nothing', async () => {
    r = await rig();
    const ids = await seedReaders(r.ctx.subscribers, 10);
    // Fan-out only: no send worker yet.
    const { startJobWorkers } = await import('../../src/jobs/worker.js');
    const { createEditionProcessor } = await import('../../workers/edition.js');
    const { createFanoutProcessor } = await import('../../workers/fanout.js');
    const partial = startJobWorkers(r.ctx, { edition: createEditionProcessor(r.ctx, r.ports), fanout: createFanoutProcessor(r.ctx, r.ports) });
    const editionId = await r.sendNow();
    for (;;) {
      if ((await r.ledger.report(editionId)).fanoutDoneAt) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await partial.close();
    const [page, ...others] = await r.ctx.queues[QUEUE.send].getWaiting();
    expect(others).toHaveLength(0); // one send job carries the page of 10
    expect((page!.data as { subscriberIds: string[] }).subscriberIds).toHaveLength(10);
    await r.ctx.subscribers.setStatus(ids[2]!, 'unsubscribed');
    await r.ctx.subscribers.suppress('r00007@example.test', 'operator');

    r.startWorkers();
    const report = await r.waitFinished(editionId);
    expect(report).toMatchObject({ queued: 10, sent: 8, skipped: 2 });
    const to = r.smtp.messages.flatMap((m) => m.envelopeTo);
    expect(to).not.toContain('r00007@example.test');
    expect(to).toHaveLength(8);
    const unsubscribed = await r.ctx.subscribers.get(ids[2]!);
    expect(to).not.toContain(unsubscribed!.email);
  });

  it('a relay outage (421 on everything) pauses the queue; after recovery all are delivered once', async () => {
    r = await rig();
    await seedReaders(r.ctx.subscribers, 30);
    let outage = true;
    let refused = 0;
    r.smtp.onRcpt = () => (outage ? (refused++, { code: 421, message: '4.3.2 Service not available' }) : undefined);
    r.startWorkers({ outagePauseMs: 300 });
    const editionId = await r.sendNow();
    const until = Date.now() + 10_000;
    while (refused < 10 && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    await new Promise((res) => setTimeout(res, 1500));
    outage = false;
    // After the outage the adaptive rate is at its floor and climbs back a step per clean
    // window: the last messages take ~20 s on an idle box, more under load (no speed asserted).
    const report = await r.waitFinished(editionId, 60_000);
    expect(report).toMatchObject({ queued: 30, sent: 30, failed: 0, unknown: 0 });
    const to = r.smtp.messages.flatMap((m) => m.envelopeTo);
    expect(new Set(to).size).toBe(30);
    expect(to).toHaveLength(30);
    const done = await r.ctx.queues[QUEUE.send].getCompleted(0, 100);
    // The outage cost no attempts: rate-limited jobs do not count one.
    expect(Math.max(...done.map((j) => j.attemptsMade))).toBeLessThan(2);
    expect(refused).toBeGreaterThanOrEqual(10);
  }, 90_000);
});
