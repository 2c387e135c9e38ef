// The edition store against the real Redis: create once, compare-and-set status, list, variants.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { createEditionStore, editionIdForSlot, InvalidTransitionError, type EditionStore } from '../../src/editions/store.js';
import { renderVariant } from '../../src/editions/render.js';
import type { Edition } from '../../src/editions/model.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { MARKET, SETTINGS, SLOT, clusters } from './fixtures.js';

const redis = testRedis();
let prefix: string;
let store: EditionStore;

function edition(slot: Date, overrides: Partial<Edition> = {}): Edition {
  const at = new Date().toISOString();
  return {
    id: editionIdForSlot(slot, 'scheduled'),
    slot: slot.toISOString(),
    mode: 'scheduled',
    status: 'building',
    window: { since: new Date(slot.getTime() - 86_400_000).toISOString(), until: slot.toISOString() },
    clusters: clusters(2),
    market: MARKET,
    token: '0123456789ab',
    variants: ['markets+world'],
    createdAt: at,
    updatedAt: at,
    statusAt: {},
    ...overrides,
  };
}

beforeEach(() => {
  prefix = uniquePrefix('ed-store');
  store = createEditionStore({ redis, keys: keyspace(prefix) });
});
afterEach(() => dropPrefix(redis, prefix));
afterAll(() => redis.quit());

describe('editionIdForSlot', () => {
  it('is derived from the UTC slot and has no colon (BullMQ job ids)', () => {
    expect(editionIdForSlot(new Date('2026-11-24T07:00:00Z'), 'scheduled')).toBe('e20261124T0700');
    expect(editionIdForSlot(new Date('2026-11-24T05:30:00Z'), 'scheduled')).toBe('e20261124T0530');
    expect(editionIdForSlot(new Date('2026-11-24T07:15:33Z'), 'now')).toBe('now20261124T071533');
  });
});

describe('edition store', () => {
  it('creates once, round-trips the story list, and records when each status began', async () => {
    const e = edition(SLOT);
    expect(await store.create(e)).toBe(true);
    expect(await store.create({ ...e, clusters: [] })).toBe(false);
    const got = await store.get(e.id);
    expect(got?.status).toBe('building');
    expect(got?.clusters.map((c) => c.id)).toEqual(e.clusters.map((c) => c.id));
    expect(got?.market).toEqual(MARKET);
    expect(got?.statusAt.building).toBeDefined();
    expect(await store.get('e20000101T0000')).toBeNull();
  });

  it('moves status by compare-and-set: of two racing workers exactly one wins', async () => {
    const e = edition(SLOT);
    await store.create(e);
    const results = await Promise.all([store.setStatus(e.id, 'building', 'ready'), store.setStatus(e.id, 'building', 'ready')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.setStatus(e.id, 'building', 'cancelled')).toBe(false);
    expect(await store.setStatus(e.id, 'ready', 'sending')).toBe(true);
    expect(await store.setStatus(e.id, 'sending', 'cancelled', 'stale')).toBe(true);
    const got = await store.get(e.id);
    expect(got).toMatchObject({ status: 'cancelled', reason: 'stale' });
    expect(Object.keys(got!.statusAt).sort()).toEqual(['building', 'cancelled', 'ready', 'sending']);
    await expect(store.setStatus(e.id, 'done', 'ready')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await store.setStatus('e19990101T0000', 'building', 'ready')).toBe(false);
  });

  it('lists newest slot first, up to the limit', async () => {
    for (const h of [5, 7, 6]) await store.create(edition(new Date(Date.UTC(2026, 10, 24, h))));
    expect((await store.list({ limit: 2 })).map((e) => e.id)).toEqual(['e20261124T0700', 'e20261124T0600']);
    expect(await store.list()).toHaveLength(3);
  });

  it('stores and returns rendered variants', async () => {
    const e = edition(SLOT);
    await store.create(e);
    const variant = await renderVariant({ ...e, slot: SLOT }, 'markets+world', SETTINGS);
    await store.putVariant(variant);
    expect(await store.getVariant(e.id, 'markets+world')).toEqual(variant);
    expect(await store.getVariant(e.id, 'world')).toBeNull();
  });
});
