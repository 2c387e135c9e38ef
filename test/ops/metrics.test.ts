// /metrics: valid Prometheus exposition, numbers read from Redis (so two apps
// agree), counters that move when a message is sent and when someone signs up.
import { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { opsPlugins } from '../../src/http/ops.js';
import { messageTotals } from '../../src/delivery/message-totals.js';
import { quantile } from '../../src/ops/metrics.js';
import { parseExposition, valueOf, ExpositionError } from './prom-text.js';
import { seedEdition, startOps, type OpsStack } from './helpers.js';

let stack: OpsStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function scrape(s: OpsStack) {
  const res = await s.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(res.body);
}

describe('exposition parser', () => {
  it('rejects malformed text', () => {
    expect(() => parseExposition('# TYPE a gauge\na{x="1} 1\n')).toThrow(ExpositionError);
    expect(() => parseExposition('# TYPE a gauge\na 1\na 2\n')).toThrow(/duplicate/);
    expect(() => parseExposition('b 1\n')).toThrow(/without a family/);
    expect(() => parseExposition('# TYPE a gauge\na one\n')).toThrow(/bad value/);
    expect(parseExposition('# HELP a x\n# TYPE a gauge\na{q="a\\"b"} 1.5e3\n').get('a')!.samples[0]).toEqual({ name: 'a', labels: { q: 'a"b' }, value: 1500 });
  });

  it('quantile is nearest-rank', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
  });
});

describe('/metrics', () => {
  it('is valid exposition with every family the docs name', async () => {
    stack = await startOps({}, { defaultMetrics: true });
    const fams = await scrape(stack);
    const expected: Record<string, string> = {
      digest_queue_jobs: 'gauge',
      digest_job_duration_seconds: 'gauge',
      digest_messages_total: 'counter',
      digest_subscriber_events_total: 'counter',
      digest_subscribers: 'gauge',
      digest_suppressed_addresses: 'gauge',
      digest_confirm_outbox_entries: 'gauge',
      digest_confirm_outbox_oldest_age_seconds: 'gauge',
      digest_source_up: 'gauge',
      digest_source_consecutive_failures: 'gauge',
      digest_source_last_success_timestamp_seconds: 'gauge',
      digest_market_snapshot_timestamp_seconds: 'gauge',
      digest_editions: 'gauge',
      digest_edition_lag_seconds: 'gauge',
      digest_edition_unfinished_age_seconds: 'gauge',
      digest_instances_alive: 'gauge',
      digest_process_cpu_seconds_total: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) expect(fams.get(name)?.type, name).toBe(type);
    expect(valueOf(fams, 'digest_queue_jobs', { queue: 'send', state: 'failed' })).toBe(0);
    expect(valueOf(fams, 'digest_instances_alive', { role: 'worker' })).toBe(0);
    // No snapshot yet: 0, so "time() - x > limit" alerts at once.
    expect(valueOf(fams, 'digest_market_snapshot_timestamp_seconds')).toBe(0);
  });

  it('counts a sent message, and a second app on the same Redis agrees', async () => {
    stack = await startOps();
    expect(valueOf(await scrape(stack), 'digest_messages_total', { outcome: 'sent' })).toBe(0);

    const slot = new Date(Date.now() - 20 * 60_000);
    const id = await seedEdition(stack, slot, 'sending');
    await stack.ledger.start(id, { slot: slot.toISOString(), mode: 'scheduled' });
    await stack.ledger.markQueued(id, ['a', 'b']);
    await stack.ledger.claim(id, 'a');
    await stack.ledger.finish(id, 'a', 'sent');

    let fams = await scrape(stack);
    expect(valueOf(fams, 'digest_messages_total', { outcome: 'sent' })).toBe(1);
    expect(valueOf(fams, 'digest_messages_total', { outcome: 'failed' })).toBe(0);
    expect(valueOf(fams, 'digest_editions', { status: 'sending' })).toBe(1);
    expect(valueOf(fams, 'digest_edition_unfinished_age_seconds')).toBeGreaterThanOrEqual(20 * 60 - 5);

    await stack.ledger.claim(id, 'b');
    await stack.ledger.finish(id, 'b', 'failed');
    await stack.editions.setStatus(id, 'sending', 'done');
    fams = await scrape(stack);
    expect(valueOf(fams, 'digest_messages_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(fams, 'digest_editions', { status: 'done' })).toBe(1);
    expect(valueOf(fams, 'digest_edition_unfinished_age_seconds')).toBe(0);
    expect(valueOf(fams, 'digest_edition_lag_seconds', { mode: 'scheduled' })).toBeGreaterThanOrEqual(20 * 60 - 5);

    const other = await buildApp({
      log: stack.ctx.log,
      subscriptions: stack.ctx.subscriptions,
      rateLimits: stack.ctx.rateLimits,
      defaults: { timezone: 'UTC', sendHour: 7 },
      brand: stack.ctx.config.brand,
      topics: stack.ctx.config.sources.topics,
      allowedOrigins: [],
      plugins: opsPlugins(stack.deps),
    });
    const otherFams = parseExposition((await other.inject({ url: '/metrics' })).body);
    expect(valueOf(otherFams, 'digest_messages_total', { outcome: 'sent' })).toBe(1);
    await other.close();
  });

  it('moves the signup counter and the pending gauge when someone signs up', async () => {
    stack = await startOps();
    const before = await scrape(stack);
    expect(valueOf(before, 'digest_subscriber_events_total', { event: 'signups' })).toBe(0);
    const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'reader@example.com', topics: ['markets'] }, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(202);
    const waiting = await scrape(stack); // stored, its confirmation not yet handed to the queue
    expect(valueOf(waiting, 'digest_confirm_outbox_entries')).toBe(1);
    expect(valueOf(waiting, 'digest_confirm_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(waiting, 'digest_confirm_outbox_oldest_age_seconds')).toBeLessThan(30);
    await stack.ctx.confirmOutbox.drain(); // the worker's hand-off of the confirmation to the queue
    const after = await scrape(stack);
    expect(valueOf(after, 'digest_confirm_outbox_entries')).toBe(0);
    expect(valueOf(after, 'digest_confirm_outbox_oldest_age_seconds')).toBe(0);
    expect(valueOf(after, 'digest_subscriber_events_total', { event: 'signups' })).toBe(1);
    expect(valueOf(after, 'digest_subscribers', { status: 'pending' })).toBe(1);
    expect(valueOf(after, 'digest_queue_jobs', { queue: 'system-mail', state: 'waiting' })).toBe(1);
  });

  it('reports source health, market age and job durations', async () => {
    stack = await startOps();
    const now = new Date();
    await stack.pool.setSourceHealth([
      { sourceId: 'bbc-world', ok: false, checkedAt: now.toISOString(), lastSuccessAt: new Date(now.getTime() - 3_600_000).toISOString(), lastErrorAt: now.toISOString(), lastError: 'HTTP 503', consecutiveFailures: 3, itemsLastTime: 20 },
    ]);
    await stack.pool.saveMarketSnapshot({ fetchedAt: new Date(now.getTime() - 600_000).toISOString(), quotes: [] });
    const worker = new Worker('ingest', async () => new Promise((r) => setTimeout(r, 30)), { connection: stack.ctx.connection, prefix: stack.ctx.queuePrefix('ingest') });
    const done = new Promise((r) => worker.on('completed', r));
    await stack.ctx.queues.ingest.add('ingest', { at: now.toISOString() });
    await done;
    await worker.close();

    const fams = await scrape(stack);
    expect(valueOf(fams, 'digest_source_up', { source: 'bbc-world' })).toBe(0);
    expect(valueOf(fams, 'digest_source_consecutive_failures', { source: 'bbc-world' })).toBe(3);
    expect(valueOf(fams, 'digest_source_last_success_timestamp_seconds', { source: 'bbc-world' })).toBeCloseTo((now.getTime() - 3_600_000) / 1000, 0);
    // A configured source that never reported counts as up with no success yet.
    expect(valueOf(fams, 'digest_source_last_success_timestamp_seconds', { source: 'aljazeera' })).toBe(0);
    expect(valueOf(fams, 'digest_market_snapshot_timestamp_seconds')).toBeCloseTo((now.getTime() - 600_000) / 1000, 0);
    expect(valueOf(fams, 'digest_job_duration_seconds', { queue: 'ingest', stat: 'max' })).toBeGreaterThanOrEqual(0.025);
    expect(valueOf(fams, 'digest_queue_jobs', { queue: 'ingest', state: 'completed' })).toBe(1);
  });
});

describe('message totals', () => {
  it('stay the same when old editions are folded into the totals hash', async () => {
    stack = await startOps();
    const deps = { redis: stack.ctx.redis, keys: stack.ctx.keys };
    const old = await seedEdition(stack, new Date(Date.now() - 5 * 86_400_000), 'sending');
    const recent = await seedEdition(stack, new Date(Date.now() - 3_600_000), 'sending');
    for (const [id, readers] of [[old, ['1', '2']], [recent, ['3']]] as const) {
      await stack.ledger.start(id, { slot: new Date().toISOString(), mode: 'scheduled' });
      await stack.ledger.markQueued(id, [...readers]);
      for (const r of readers) {
        await stack.ledger.claim(id, r);
        await stack.ledger.finish(id, r, 'sent');
      }
    }
    expect((await messageTotals(deps)).sent).toBe(3);
    expect(await stack.ctx.redis.hget(stack.ctx.keys.messageTotals(), 'sent')).toBe('2');
    expect((await messageTotals(deps)).sent).toBe(3);
    // Ten days on, everything is folded, once.
    expect((await messageTotals(deps, Date.now() + 10 * 86_400_000)).sent).toBe(3);
    expect((await messageTotals(deps, Date.now() + 11 * 86_400_000)).sent).toBe(3);
    expect(await stack.ctx.redis.hget(stack.ctx.keys.messageTotals(), 'sent')).toBe('3');
  });
});
