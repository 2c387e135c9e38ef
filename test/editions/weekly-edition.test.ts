// The weekly edition: the best of the past seven days, coverage before recency, nothing
// the same readers' previous weekly edition showed, "This week" and the week's change.
import * as cheerio from 'cheerio';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/editions/build.js';
import { createEditionStore, type EditionStore } from '../../src/editions/store.js';
import { rankForWeek } from '../../src/editions/weekly.js';
import { keyspace } from '../../src/keys.js';
import type { Cluster } from '../../src/stories/model.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { EVERY_COMBINATION, SETTINGS, SLOT, cluster, fixtureSource } from './fixtures.js';

const HOUR = 3_600_000;
const redis = testRedis();
let prefix: string;
let store: EditionStore;
beforeEach(() => {
  prefix = uniquePrefix('ed-weekly');
  store = createEditionStore({ redis, keys: keyspace(prefix) });
});
afterEach(() => dropPrefix(redis, prefix));
afterAll(() => redis.quit());

/** A markets story published `hoursAgo` before `at`, covered by `sources` outlets. */
function covered(n: number, hoursAgo: number, sources: number, at = SLOT, score = 50): Cluster {
  const c = cluster(n, 'markets', { title: `Week story ${n}` }, score);
  c.publishedAt = new Date(at.getTime() - hoursAgo * HOUR).toISOString();
  c.alsoCoveredBy = Array.from({ length: sources - 1 }, (_, i) => ({ sourceId: `o${i}`, sourceName: `Outlet ${i}`, url: `https://o${i}.example/${n}` }));
  return c;
}

const build = (slot: Date, data: Cluster[]) =>
  buildEdition({ stories: fixtureSource(data).source, editions: store, audience: EVERY_COMBINATION, settings: SETTINGS, now: () => slot }, { slot, mode: 'weekly', variants: ['markets'] });

describe('weekly edition', () => {
  it('ranks by coverage, then score', () => {
    const ranked = rankForWeek([covered(1, 2, 1, SLOT, 90), covered(2, 100, 5, SLOT, 10), covered(3, 50, 5, SLOT, 20)]);
    expect(ranked.map((c) => c.lead.title)).toEqual(['Week story 3', 'Week story 2', 'Week story 1']);
  });

  it('takes seven days, leaves out the previous weekly edition\'s stories, and reads "This week"', async () => {
    const lastWeek = new Date(SLOT.getTime() - 7 * 24 * HOUR);
    const shownLastWeek = covered(10, 30, 6, SLOT);
    const previous = await build(lastWeek, [covered(11, 20, 2, lastWeek), { ...shownLastWeek, publishedAt: new Date(lastWeek.getTime() - HOUR).toISOString() }]);
    expect(previous.id).toBe('w20261117T0700');
    expect(previous.clusters.map((c) => c.lead.title)).toContain('Week story 10');

    const data = [shownLastWeek, covered(1, 2, 1), covered(2, 150, 4), covered(3, 60, 3), covered(4, 8 * 24, 9)];
    const edition = await build(SLOT, data);
    expect(edition).toMatchObject({ id: 'w20261124T0700', mode: 'weekly', window: { since: '2026-11-17T07:00:00.000Z', until: SLOT.toISOString() } });
    // Story 10 was in last week's edition; story 4 is eight days old.
    expect(edition.clusters.map((c) => c.lead.title)).toEqual(['Week story 2', 'Week story 3', 'Week story 1']);

    const variant = (await store.getVariant(edition.id, 'markets'))!;
    expect(variant.subject).toMatch(/This week · /);
    const $ = cheerio.load(variant.html);
    expect($.text()).toMatch(/This week · /);
    expect($.text()).toContain('of the past seven days, the most widely covered first');
    expect($.text()).toContain('THIS WEEK IN MARKETS');
    // The week's change: S&P 500 at 5,012.34 against 4,861.97 a week ago.
    const sp = $('td').filter((_, el) => $(el).text().startsWith('S&P 500') && $(el).find('td').length === 0).parent().text().replace(/\s+/g, ' ');
    expect(sp).toMatch(/5,012\.34 \+150\.37 ▲ \+3\.09%/);
    expect(variant.text).toMatch(/Index\s+Level\s+Week/);
  });
});
