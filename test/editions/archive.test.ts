// The web archive over a real store: list, one edition without personal links, Atom, 404s,
// and the editions' charts (linked from the mail and the archive, served with long caching).
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import * as cheerio from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { keyspace } from '../../src/keys.js';
import { createEditionStore, type EditionStore } from '../../src/editions/store.js';
import { buildEdition } from '../../src/editions/build.js';
import { archiveRoutes } from '../../src/http/routes/archive.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { MARKET, SETTINGS, SLOT, cluster, clusters, fixtureSource, EVERY_COMBINATION } from './fixtures.js';

const redis = testRedis();
let prefix: string;
let store: EditionStore;
let app: FastifyInstance;

beforeEach(async () => {
  prefix = uniquePrefix('ed-archive');
  store = createEditionStore({ redis, keys: keyspace(prefix) });
  app = Fastify();
  await app.register(archiveRoutes, { editions: store, publicUrl: SETTINGS.publicUrl, brand: SETTINGS.brand });
});
afterEach(async () => {
  await app.close();
  await dropPrefix(redis, prefix);
});
afterAll(() => redis.quit());

const build = (slot: Date, data = clusters(3)) =>
  buildEdition({ stories: fixtureSource(data).source, editions: store, audience: EVERY_COMBINATION, settings: SETTINGS, now: () => slot }, { slot, mode: 'scheduled' });

describe('archive routes', () => {
  it('renders one PNG per symbol with history, linked from the mail and the archive, served with long caching', async () => {
    const edition = await build(SLOT);
    const variant = (await store.getVariant(edition.id, 'markets+world'))!;
    const $ = cheerio.load(variant.html);
    const imgs = $('img[src*="/charts/"]');
    const withHistory = MARKET.quotes.filter((q) => q.price !== null);
    expect(imgs.length).toBe(withHistory.length);
    const gspc = $(`img[src="https://news.example.com/charts/${edition.id}/%5EGSPC.png"]`);
    expect(gspc.attr('alt')).toBe('S&P 500, last 5 sessions: 4,912.09, 5,062.46, 4,937.15, 5,000.04, 5,012.34 (+2.04%)');
    expect([gspc.attr('width'), gspc.attr('height')]).toEqual(['72', '24']);
    // The missing quote has no image, and its row still reads: label, dash, n/a.
    const nikkei = $('td').filter((_, el) => $(el).text().startsWith('Nikkei 225') && $(el).find('td').length === 0).parent();
    expect(nikkei.find('img').length).toBe(0);
    expect(nikkei.text().replace(/\s+/g, ' ')).toMatch(/Nikkei 225 ?no data — n\/a n\/a/);
    // With images off the GSPC row still has every number.
    const gspcRow = gspc.closest('tr').text().replace(/\s+/g, ' ');
    expect(gspcRow).toMatch(/S&P 500.* 5,012\.34 \+12\.30 ▲ \+0\.25%/);

    const archive = cheerio.load((await app.inject(`/archive/${edition.id}`)).body);
    expect(archive(`img[src="https://news.example.com/charts/${edition.id}/%5EGSPC.png"]`).length).toBe(1);

    const res = await app.inject(`/charts/${edition.id}/${encodeURIComponent('^GSPC')}.png`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(await sharp(res.rawPayload).metadata()).toMatchObject({ format: 'png', width: 144, height: 48 });
    expect((await app.inject(`/charts/${edition.id}/${encodeURIComponent('EURUSD=X')}.png`)).statusCode).toBe(200);
    for (const url of [`/charts/${edition.id}/%5EN225.png`, `/charts/${edition.id}/nope.png`, '/charts/e20991231T0700/%5EGSPC.png', `/charts/${edition.id}/%5EGSPC.gif`]) {
      const miss = await app.inject(url);
      expect(miss.statusCode, url).toBe(404);
    }
  });

  it('shows an edition as mailed, with generic links and no placeholder', async () => {
    const edition = await build(SLOT);
    const res = await app.inject(`/archive/${edition.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const $ = cheerio.load(res.body);
    for (const c of edition.clusters) expect($(`a[href="${c.lead.url}"]`).length).toBeGreaterThan(0);
    expect($('a:contains("Unsubscribe")').attr('href')).toBe('https://news.example.com/archive#your-links');
    expect($('a:contains("View in browser")').attr('href')).toBe(`https://news.example.com/archive/${edition.id}`);
    expect($.text()).toContain('Hello,');
    expect(res.body).not.toMatch(/%%|\{\{/);
    // A narrower variant on request; an unknown one falls back to the fullest.
    const world = await app.inject(`/archive/${edition.id}?v=world`);
    expect(world.body).not.toContain('MARKETS AT A GLANCE');
    expect((await app.inject(`/archive/${edition.id}?v=%3Cscript%3E`)).body).toContain('MARKETS AT A GLANCE');
  });

  it('lists published editions newest first, escaped, and hides unpublished ones', async () => {
    const evil = cluster(0, 'world', { title: '<img src=x onerror=alert(1)> Evil' }, 999);
    await build(new Date('2026-11-23T07:00:00Z'));
    await build(SLOT, [evil, ...clusters(2)]);
    const cancelled = await build(new Date('2026-11-25T07:00:00Z'));
    await store.setStatus(cancelled.id, 'ready', 'cancelled', 'operator');
    const res = await app.inject('/archive');
    expect(res.statusCode).toBe(200);
    const $ = cheerio.load(res.body);
    const links = $('ol.archive > li > a').map((_, a) => $(a).attr('href')).get();
    expect(links).toEqual(['/archive/e20261124T0700', '/archive/e20261123T0700']);
    expect($('img')).toHaveLength(0);
    expect($.text()).toContain('<img src=x onerror=alert(1)> Evil');
    expect((await app.inject(`/archive/${cancelled.id}`)).statusCode).toBe(404);
  });

  it('serves an Atom feed of editions', async () => {
    await build(new Date('2026-11-23T07:00:00Z'));
    await build(SLOT, [cluster(0, 'markets', { title: 'Fed & "friends" <b>hold</b>' }, 999), ...clusters(2)]);
    const res = await app.inject('/archive/feed.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(res.body).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.entry).toHaveLength(2);
    expect(feed.entry[0].id).toBe('https://news.example.com/archive/e20261124T0700');
    expect(feed.entry[0].link['@_href']).toBe('https://news.example.com/archive/e20261124T0700');
    expect(feed.entry[0].summary).toContain('Fed & "friends" <b>hold</b>');
    expect(res.body).not.toContain('<b>hold');
  });

  it('answers unknown and malformed ids with a friendly, escaped 404', async () => {
    for (const path of ['/archive/e20991231T0700', '/archive/%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/archive/..%2F..%2Fetc']) {
      const res = await app.inject(path);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Edition not found');
      expect(res.body).not.toContain('<script>alert');
    }
  });
});
