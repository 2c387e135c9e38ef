// Building an edition end to end against the real Redis, and the compile-count promise:
// MJML runs once per variant, however many readers there are.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { createEditionStore, type EditionStore } from '../../src/editions/store.js';
import { buildEdition, variantsFor, type BuildDeps } from '../../src/editions/build.js';
import { closestVariant, DEFAULT_TOPICS, TopicSchema } from '../../src/topics.js';
import { countingCompiler } from '../../src/editions/compile.js';
import { personalise } from '../../src/editions/personalise.js';
import { hasNewStoriesSince } from '../../src/editions/pick.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { EVERY_COMBINATION, READER, SETTINGS, SLOT, cluster, clusters, fixtureSource } from './fixtures.js';

const redis = testRedis();
let prefix: string;
let store: EditionStore;

function deps(source = fixtureSource().source, compile = countingCompiler()): BuildDeps & { compile: ReturnType<typeof countingCompiler> } {
  return { stories: source, editions: store, audience: EVERY_COMBINATION, settings: SETTINGS, now: () => new Date(SLOT.getTime() + 60_000), compile };
}

beforeEach(() => {
  prefix = uniquePrefix('ed-build');
  store = createEditionStore({ redis, keys: keyspace(prefix) });
});
afterEach(() => dropPrefix(redis, prefix));
afterAll(() => redis.quit());

describe('buildEdition', () => {
  it('builds from the preceding window as of the slot, stores the stories and every variant, ends ready', async () => {
    const old = cluster(50, 'world', { title: 'Yesterday' });
    old.publishedAt = new Date(SLOT.getTime() - 25 * 3_600_000).toISOString();
    const future = cluster(51, 'world', { title: 'After the slot' });
    future.publishedAt = new Date(SLOT.getTime() + 60_000).toISOString();
    const { source, queries } = fixtureSource([old, future, ...clusters(10)]);
    const d = deps(source);
    const edition = await buildEdition(d, { slot: SLOT, mode: 'scheduled' });
    expect(edition).toMatchObject({ id: 'e20261124T0700', status: 'ready', window: { since: '2026-11-23T07:00:00.000Z', until: SLOT.toISOString() } });
    expect(queries[0]).toMatchObject({ since: new Date('2026-11-23T07:00:00Z'), until: SLOT });
    expect(edition.clusters).toHaveLength(16); // 8 per section
    expect(edition.clusters.map((c) => c.id)).not.toContain(old.id);
    expect(edition.clusters.map((c) => c.id)).not.toContain(future.id);
    expect(edition.statusAt.ready).toBeDefined();
    for (const key of ['markets', 'world', 'markets+world']) {
      const v = await store.getVariant(edition.id, key);
      expect(v?.storyIds.length).toBeGreaterThan(0);
      // The date is each reader's own: left as a placeholder in the stored variant.
      expect(v?.subject).toMatch(new RegExp(`^Markets & World — %%${v!.token}:date_short%%: `));
      expect(v?.slot).toBe(SLOT.toISOString());
    }
    expect(d.compile.count).toBe(3);
  });

  it('is idempotent: a ready edition is returned as is, concurrent builders make one edition', async () => {
    const d = deps();
    const [a, b] = await Promise.all([buildEdition(d, { slot: SLOT, mode: 'scheduled' }), buildEdition(d, { slot: SLOT, mode: 'scheduled' })]);
    expect(a.id).toBe(b.id);
    expect(a.token).toBe(b.token);
    const compiled = d.compile.count;
    const again = await buildEdition(d, { slot: SLOT, mode: 'scheduled' });
    expect(again.status).toBe('ready');
    expect(d.compile.count).toBe(compiled);
    expect(await store.list()).toHaveLength(1);
  });

  it('does not rebuild a cancelled edition', async () => {
    const d = deps();
    const e = await buildEdition(d, { slot: SLOT, mode: 'scheduled' });
    await store.setStatus(e.id, 'ready', 'cancelled', 'stale');
    expect(await buildEdition(d, { slot: SLOT, mode: 'scheduled' })).toMatchObject({ status: 'cancelled', reason: 'stale' });
  });

  it('builds only the variants asked for; mode now gets its own id', async () => {
    const d = deps();
    const e = await buildEdition(d, { slot: new Date('2026-11-24T07:15:33Z'), mode: 'now', variants: ['world'] });
    expect(e.id).toBe('now20261124T071533');
    expect(e.clusters.every((c) => c.section === 'world')).toBe(true);
    expect(await store.getVariant(e.id, 'markets')).toBeNull();
    expect(d.compile.count).toBe(1);
    await expect(buildEdition(d, { slot: SLOT, mode: 'scheduled', variants: ['sport'] })).rejects.toThrow(/not a variant key/);
  });

  it('renders only the combinations the readers have: compiles = distinct combinations', async () => {
    const crypto = TopicSchema.parse({ id: 'crypto', label: 'Crypto' });
    const settings = { ...SETTINGS, topics: [...DEFAULT_TOPICS, crypto] };
    const readers = [['world', 'crypto'], ['crypto', 'world'], ['markets'], ['crypto'], ['markets'], ['gone-topic', 'markets'], ['gone-topic']];
    expect(variantsFor(readers, settings)).toEqual(['crypto', 'crypto+markets+world', 'crypto+world', 'markets']);
    expect(variantsFor([], settings)).toEqual(['crypto+markets+world']); // no reader: the archive copy only
    const d = { ...deps(), settings, audience: { topicSets: async () => readers } };
    const edition = await buildEdition(d, { slot: SLOT, mode: 'now' });
    expect(edition.variants).toEqual(['crypto', 'crypto+markets+world', 'crypto+world', 'markets']);
    expect(d.compile.count).toBe(4);
    // A reader whose combination was not built (changed after the build) gets the closest one.
    expect(closestVariant('markets+world', edition.variants)).toBe('crypto+markets+world');
    expect(closestVariant('world', ['crypto', 'crypto+world', 'markets'])).toBe('crypto+world');
  });

  it('compiles once per variant: the count does not grow with the number of readers', async () => {
    const d = deps();
    const edition = await buildEdition(d, { slot: SLOT, mode: 'scheduled' });
    const variant = (await store.getVariant(edition.id, 'markets+world'))!;
    const afterBuild = d.compile.count;
    const one = personalise(variant, READER);
    const afterOne = d.compile.count;
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const m = personalise(variant, { ...READER, name: `Reader ${i}`, unsubscribeUrl: `https://news.example.com/unsubscribe/${i}` });
      seen.add(m.html);
    }
    expect(afterBuild).toBe(3);
    expect(afterOne).toBe(afterBuild);
    expect(d.compile.count).toBe(afterBuild);
    expect(seen.size).toBe(500);
    expect(one.html).toContain(READER.unsubscribeUrl);
  });
});

describe('hasNewStoriesSince (skip rule)', () => {
  it('sends when something is new, skips when nothing is or when the edition is empty', () => {
    expect(hasNewStoriesSince({ storyIds: ['a', 'b'] }, null)).toBe(true);
    expect(hasNewStoriesSince({ storyIds: ['a', 'b'] }, ['a', 'b', 'c'])).toBe(false);
    expect(hasNewStoriesSince({ storyIds: ['a', 'd'] }, ['a', 'b'])).toBe(true);
    expect(hasNewStoriesSince({ storyIds: [] }, null)).toBe(false);
    expect(hasNewStoriesSince({ clusters: [{ id: 'x' }] }, new Set(['y']))).toBe(true);
  });
});
