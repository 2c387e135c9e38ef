import { fileURLToPath } from 'node:url';
import { loadLua } from '../../src/lua.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { keyspace } from '../../src/keys.js';
import { createLedger, type Ledger } from '../../src/delivery/ledger.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { uniquePrefix } from '../helpers/env.js';

let redis: Redis;
let prefix: string;
let ledger: Ledger;
beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('ledger');
  // claimStaleMs 0: a second run writes any claim off at once (the waiting rule has its own test).
  ledger = createLedger({ redis, keys: keyspace(prefix) }, { pauseMinFailures: 3, pauseFailureRatio: 0.25, claimStaleMs: 0 });
});
afterEach(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('ledger', () => {
  it('claims once; a second claim of a claimed entry is unknown; final states stay final', async () => {
    await ledger.start('e1', { slot: '2026-11-24T07:00:00.000Z', mode: 'scheduled' });
    expect(await ledger.markQueued('e1', ['1', '2', '3'])).toBe(3);
    expect(await ledger.markQueued('e1', ['1', '2', '3'])).toBe(0);
    expect(await ledger.claim('e1', '1')).toEqual({ outcome: 'claimed' });
    expect(await ledger.finish('e1', '1', 'sent')).toMatchObject({ applied: true, finished: false });
    expect(await ledger.claim('e1', '1')).toEqual({ outcome: 'done', state: 'sent' });
    expect(await ledger.claim('e1', '2')).toEqual({ outcome: 'claimed' });
    expect(await ledger.claim('e1', '2')).toEqual({ outcome: 'unknown', finished: false });
    expect(await ledger.claim('e1', '2')).toEqual({ outcome: 'done', state: 'unknown' });
    // A run that was written off but then did deliver: recorded as sent, not both.
    expect(await ledger.finish('e1', '2', 'sent')).toMatchObject({ applied: true });
    expect(await ledger.claim('e1', '3', 'owner')).toEqual({ outcome: 'claimed' });
    expect(await ledger.release('e1', '3', 'not-the-owner')).toBe(false);
    expect(await ledger.release('e1', '3', 'owner')).toBe(true);
    expect(await ledger.state('e1', '3')).toBe('queued');
    await ledger.claim('e1', '3');
    expect(await ledger.fanoutDone('e1')).toBe(false);
    expect(await ledger.finish('e1', '3', 'skipped')).toMatchObject({ finished: true });
    expect(await ledger.report('e1')).toMatchObject({ queued: 3, sent: 2, unknown: 0, skipped: 1, pending: 0, slot: '2026-11-24T07:00:00.000Z' });
  });

  it('claims a page in one round trip: refuses while paused, returns each reader claimed, records the last edition with the finishes', async () => {
    const keys = keyspace(prefix);
    const read = { subscriberKey: (id: string) => keys.subscriber(id), lastKey: keys.lastEditionFor() };
    await ledger.markQueued('e3', ['000000000007', '000000000008']);
    await redis.hset(keys.subscriber('000000000007'), 'id', '000000000007', 'email', 'r@example.com');
    await redis.hset(read.lastKey, '000000000007', '{"slot":"2026-11-23T07:00:00.000Z"}');
    await ledger.pause('e3', 'operator');
    expect(await ledger.claimPage('e3', ['000000000007'], read, 't1')).toEqual({ outcome: 'paused', reason: 'operator' });
    expect(await ledger.state('e3', '000000000007')).toBe('queued'); // nothing claimed while paused
    await ledger.resume('e3');
    expect(await ledger.claimPage('e3', ['000000000007', '000000000008'], read, 't1')).toEqual({
      outcome: 'claims',
      claims: [
        { outcome: 'claimed', subscriber: { id: '000000000007', email: 'r@example.com' }, last: '{"slot":"2026-11-23T07:00:00.000Z"}' },
        { outcome: 'claimed', subscriber: {}, last: null },
      ],
    });
    // The same run again (a reply lost): the same claims; another run: written off (stale after 60 s by default… here at once).
    expect((await ledger.claimPage('e3', ['000000000007'], read, 't1')).outcome).toBe('claims');
    const hasty = createLedger({ redis, keys }, { claimStaleMs: 0 });
    expect(await hasty.claimPage('e3', ['000000000007'], read, 't2')).toEqual({ outcome: 'claims', claims: [{ outcome: 'unknown', finished: false }] });
    const value = '{"slot":"2026-11-24T07:00:00.000Z"}';
    // One round trip for several outcomes: unknown → sent is allowed (a run that lost its lock delivered).
    expect(
      await ledger.finishMany(
        'e3',
        [
          { subscriberId: '000000000007', to: 'sent', last: value },
          { subscriberId: '000000000008', to: 'skipped', last: 'ignored' },
        ],
        read.lastKey,
      ),
    ).toEqual({ applied: 2, finished: false, paused: false });
    expect(await redis.hget(read.lastKey, '000000000007')).toBe(value);
    expect(await redis.hget(read.lastKey, '000000000008')).toBeNull(); // only a send records
    expect(await ledger.report('e3')).toMatchObject({ queued: 2, sent: 1, skipped: 1, unknown: 0 });
    expect((await ledger.claimPage('e3', ['000000000007', '000000000008'], read, 't3'))).toEqual({
      outcome: 'claims',
      claims: [{ outcome: 'done', state: 'sent' }, { outcome: 'done', state: 'skipped' }],
    });
    // Giving claims back: only the owner's.
    await ledger.markQueued('e3', ['1', '2']);
    await ledger.claimPage('e3', ['1', '2'], read, 'owner');
    expect(await ledger.releaseMany('e3', ['1', '2'], 'someone-else')).toBe(0);
    expect(await ledger.releaseMany('e3', ['1', '2'], 'owner')).toBe(2);
    expect(await ledger.state('e3', '2')).toBe('queued');
  });

  it("writes the report's times by Redis's clock, in ISO form, whatever the writer's clock says", async () => {
    // The formatting, against JavaScript's, over four centuries of random instants and the edges.
    const lua = `${loadLua(fileURLToPath(new URL('../../src/delivery/lua/now-iso.lua', import.meta.url)))}\nlocal out = {}\nfor i = 1, #ARGV, 2 do out[#out + 1] = isoOf(ARGV[i], ARGV[i + 1]) end\nreturn out`;
    const instants = [0, 951_782_400, 951_868_799, 4_107_542_399, 1_767_225_599, 1_767_225_600];
    for (let i = 0; i < 300; i++) instants.push(Math.floor(Math.random() * 13_000_000_000) - 2_000_000_000);
    const got = (await redis.eval(lua, 0, ...instants.flatMap((sec, i) => [sec, (i * 7919) % 1_000_000]))) as string[];
    expect(got).toEqual(instants.map((sec, i) => new Date(sec * 1000 + Math.floor(((i * 7919) % 1_000_000) / 1000)).toISOString()));
    // The ledger's own times.
    await ledger.start('e9', { slot: '2026-11-24T07:00:00.000Z', mode: 'now' });
    await ledger.markQueued('e9', ['1']);
    await ledger.fanoutDone('e9');
    await ledger.claim('e9', '1');
    await ledger.finish('e9', '1', 'sent');
    const [sec] = await redis.time();
    const report = await ledger.report('e9');
    for (const at of [report.startedAt, report.fanoutDoneAt, report.finishedAt]) {
      expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(at!) / 1000 - Number(sec))).toBeLessThan(5);
    }
  });

  it('a claim that wrote off the last entry and finished the edition, sent again after a lost reply, still says the edition is finished', async () => {
    const keys = keyspace(prefix);
    const read = { subscriberKey: (id: string) => keys.subscriber(id), lastKey: keys.lastEditionFor() };
    const hasty = createLedger({ redis, keys }, { claimStaleMs: 0 });
    await hasty.start('e10', { slot: '2026-11-24T07:00:00.000Z', mode: 'now' });
    await hasty.markQueued('e10', ['1']);
    await hasty.fanoutDone('e10');
    await hasty.claimPage('e10', ['1'], read, 'dead-run');
    expect(await hasty.claimPage('e10', ['1'], read, 'run')).toEqual({ outcome: 'claims', claims: [{ outcome: 'unknown', finished: true }] });
    // Its reply lost, the same command again: the entry is final, and the edition finished.
    expect(await hasty.claimPage('e10', ['1'], read, 'run')).toEqual({ outcome: 'claims', claims: [{ outcome: 'done', state: 'unknown', finished: true }] });
  });

  it('a resent claim is the same claim; another run waits while the claim is fresh, then writes it off', async () => {
    const patient = createLedger({ redis, keys: keyspace(prefix) }, { claimStaleMs: 400 });
    await patient.markQueued('e4', ['1']);
    expect(await patient.claim('e4', '1', 'run-a')).toEqual({ outcome: 'claimed' });
    // Redis ran the claim, its reply was lost, the client sent it again: still run-a's claim, not `unknown`.
    expect(await patient.claim('e4', '1', 'run-a')).toEqual({ outcome: 'claimed' });
    const busy = await patient.claim('e4', '1', 'run-b');
    expect(busy.outcome).toBe('busy');
    expect(busy.outcome === 'busy' && busy.retryInMs > 0 && busy.retryInMs <= 400).toBe(true);
    expect(await patient.state('e4', '1')).toBe('claimed');
    // run-a records its outcome in that time: run-b's retry finds it final.
    expect(await patient.finish('e4', '1', 'sent')).toMatchObject({ applied: true });
    expect(await patient.claim('e4', '1', 'run-b')).toEqual({ outcome: 'done', state: 'sent' });
    // A run that died: its claim is written off once it is stale, never resent.
    await patient.markQueued('e4', ['2']);
    await patient.claim('e4', '2', 'dead-run');
    expect((await patient.claim('e4', '2', 'run-c')).outcome).toBe('busy');
    await new Promise((r) => setTimeout(r, 450));
    expect(await patient.claim('e4', '2', 'run-c')).toEqual({ outcome: 'unknown', finished: false });
    expect(await redis.hlen(keyspace(prefix).ledgerClaims('e4'))).toBe(0);
  });

  it('never claims before a scheduled slot by Redis\'s clock, whatever the worker\'s clock says', async () => {
    const keys = keyspace(prefix);
    const read = { subscriberKey: (id: string) => keys.subscriber(id), lastKey: keys.lastEditionFor() };
    const [sec] = await redis.time();
    const slot = new Date((Number(sec) + 2) * 1000).toISOString(); // 1-2 s ahead of Redis's clock
    await ledger.start('e5', { slot, mode: 'scheduled' });
    await ledger.markQueued('e5', ['000000000009']);
    const early = await ledger.claimPage('e5', ['000000000009'], read, 't');
    expect(early.outcome).toBe('early');
    expect(early.outcome === 'early' && early.retryInMs > 0 && early.retryInMs <= 2000).toBe(true);
    expect(await ledger.state('e5', '000000000009')).toBe('queued');
    // A weekly edition is a slot's edition too.
    await ledger.start('e8', { slot, mode: 'weekly' });
    expect((await ledger.claimPage('e8', ['000000000009'], read, 't')).outcome).toBe('early');
    // SEND_LEAD_SEC lets a scheduled edition start that long before its slot.
    await ledger.start('e7', { slot, mode: 'scheduled', leadMs: 60_000 });
    expect((await ledger.claimPage('e7', ['000000000009'], read, 't')).outcome).toBe('claims');
    // "Send now" editions carry no earliest time: the operator asked for now.
    await ledger.start('e6', { slot, mode: 'now' });
    expect((await ledger.claimPage('e6', ['000000000009'], read, 't')).outcome).toBe('claims');
  });

  it('pauses the edition once failures pass the threshold, and says why', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(i));
    await ledger.markQueued('e2', ids);
    for (const id of ['0', '1', '2', '3']) {
      await ledger.claim('e2', id);
      await ledger.finish('e2', id, 'sent');
    }
    await ledger.claim('e2', '4');
    expect((await ledger.finish('e2', '4', 'bounced')).paused).toBe(false);
    await ledger.claim('e2', '5');
    expect((await ledger.finish('e2', '5', 'failed')).paused).toBe(false);
    await ledger.claim('e2', '6');
    expect((await ledger.finish('e2', '6', 'failed')).paused).toBe(true);
    expect(await ledger.pausedReason('e2')).toBe('3 of 7 sends failed or bounced (more than 25%)');
    await ledger.resume('e2');
    expect((await ledger.report('e2')).pausedReason).toBeNull();
  });
});
