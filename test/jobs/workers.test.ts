// The job layer: one worker factory for every queue (WORKER_QUEUES, the same failure
// logging everywhere) and a Queues.close() that really closes.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { startWorkers } from '../../src/processes/worker.js';
import { startJobWorkers } from '../../src/jobs/worker.js';
import { ALL_QUEUES } from '../../src/queues/names.js';
import { testConfig } from '../helpers/env.js';
import { closeTestContext } from '../helpers/redis.js';

let ctx: AppContext | undefined;
afterEach(async () => {
  await closeTestContext(ctx);
  ctx = undefined;
});

describe('job workers', () => {
  it('WORKER_QUEUES: a worker process serves only the listed queues', async () => {
    ctx = createContext(testConfig({ WORKER_QUEUES: 'send' }), { name: 'test' });
    const running = await startWorkers(ctx);
    try {
      expect(running.workers.map((w) => w.name)).toEqual(['send']);
    } finally {
      await running.close();
    }
  });

  it('logs a failed job the same way on every queue (edition and fan-out included)', async () => {
    ctx = createContext(testConfig(), { name: 'test' });
    const lines: { event?: string; jobId?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { event?: string });
        done();
      },
    });
    const log = pino({ level: 'info' }, sink);
    const fail = async () => {
      throw new Error('boom for r@example.test');
    };
    const running = startJobWorkers({ ...ctx, log }, { edition: fail, fanout: fail, ingest: fail }, { closeTimeoutMs: 2000 });
    try {
      const ids = await Promise.all([
        ctx.queues.edition.add('edition', { slot: '2026-11-24T07:00:00.000Z', mode: 'now' }, { jobId: 'e1', attempts: 1 }),
        ctx.queues.fanout.add('fanout', { editionId: 'x' }, { jobId: 'f1', attempts: 1 }),
        ctx.queues.ingest.add('ingest', { period: 'p' }, { jobId: 'i1', attempts: 1 }),
      ]);
      expect(ids).toHaveLength(3);
      const wanted = ['edition.job.failed', 'fanout.job.failed', 'ingest.job.failed'];
      while (!wanted.every((e) => lines.some((l) => l.event === e))) await new Promise((r) => setTimeout(r, 20));
      const failed = lines.filter((l) => wanted.includes(l.event ?? ''));
      expect(failed.map((l) => l.jobId).sort()).toEqual(['e1', 'f1', 'i1']);
      // Addresses in error messages are redacted in logs.
      expect(JSON.stringify(failed)).not.toContain('r@example.test');
    } finally {
      await running.close();
    }
  });

  it('Queues.close() closes every queue and is safe to call twice', async () => {
    ctx = createContext(testConfig(), { name: 'test' });
    const queues = ctx.queues;
    await Promise.all(ALL_QUEUES.map((q) => queues[q].waitUntilReady()));
    const first = queues.close();
    expect(queues.close()).toBe(first);
    await expect(first).resolves.toBeUndefined();
    for (const name of ALL_QUEUES) expect(queues[name].closing).toBeDefined();
  });
});
