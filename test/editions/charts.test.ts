// Market sparklines: PNGs decoded and checked (size, dimensions, one line per series),
// rendered once per edition per symbol, linked from the mail and the archive with alt
// text carrying the numbers, served with long cache headers.
import * as cheerio from 'cheerio';
import Fastify, { type FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/editions/build.js';
import { createEditionStore, type EditionStore } from '../../src/editions/store.js';
import { MAX_SPARKLINE_BYTES, renderSparkline, SPARKLINE } from '../../src/editions/sparkline.js';
import { archiveRoutes } from '../../src/http/routes/archive.js';
import { keyspace } from '../../src/keys.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { EVERY_COMBINATION, MARKET, SETTINGS, SLOT, clusters, fixtureSource } from './fixtures.js';

interface Decoded {
  width: number;
  height: number;
  /** Opaque runs per column: [top, bottom] pixel rows of each run. */
  runs: [number, number][][];
  colours: Set<string>;
}

async function decode(png: Buffer): Promise<Decoded> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const runs: [number, number][][] = [];
  const colours = new Set<string>();
  for (let x = 0; x < info.width; x += 1) {
    const col: [number, number][] = [];
    let start = -1;
    for (let y = 0; y <= info.height; y += 1) {
      const i = (y * info.width + x) * 4;
      const opaque = y < info.height && data[i + 3]! > 128;
      if (opaque) {
        if (start < 0) start = y;
        if (data[i + 3] === 255) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      } else if (start >= 0) {
        col.push([start, y - 1]);
        start = -1;
      }
    }
    runs.push(col);
  }
  return { width: info.width, height: info.height, runs, colours };
}

const mid = ([top, bottom]: [number, number]) => (top + bottom) / 2;

describe('sparkline PNG', () => {
  it('is small, twice the CSS size, and draws exactly one line across', async () => {
    const closes = [5700, 5720.5, 5690.25, 5750, 5801.5];
    const png = await renderSparkline(closes, 'up');
    expect(png.length).toBeLessThanOrEqual(MAX_SPARKLINE_BYTES);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const d = await decode(png);
    expect([d.width, d.height]).toEqual([SPARKLINE.width * SPARKLINE.scale, SPARKLINE.height * SPARKLINE.scale]);
    const drawn = d.runs.map((col, x) => ({ x, col })).filter((c) => c.col.length > 0);
    // One series: every column the line crosses holds exactly one run of ink.
    for (const c of drawn) expect(c.col, `column ${c.x}`).toHaveLength(1);
    // It spans the width (inset by the stroke) and follows the data: the last close is the highest
    // (top of the image), the third is the lowest.
    expect(drawn[0]!.x).toBeLessThan(8);
    expect(drawn[drawn.length - 1]!.x).toBeGreaterThan(d.width - 8);
    const yAt = (frac: number) => mid(d.runs[Math.round(4 + frac * (d.width - 8))]![0]!);
    expect(yAt(1)).toBeLessThan(yAt(0));
    expect(yAt(0.5)).toBeGreaterThan(yAt(0));
    // A single green stroke (anti-aliasing only blends it with transparency).
    expect([...d.colours].every((c) => { const [r, g, b] = c.split(',').map(Number) as [number, number, number]; return g > r && g > b; })).toBe(true);
  });

  it('keeps a flat series in the middle and a falling one red, and refuses one point', async () => {
    const flat = await decode(await renderSparkline([3, 3, 3, 3, 3], 'flat'));
    const centre = flat.runs[flat.width / 2]!;
    expect(centre).toHaveLength(1);
    expect(Math.abs(mid(centre[0]!) - flat.height / 2)).toBeLessThanOrEqual(2);
    const down = await decode(await renderSparkline([10, 9, 8, 7, 6], 'down'));
    expect([...down.colours].every((c) => { const [r, g] = c.split(',').map(Number) as [number, number]; return r > g; })).toBe(true);
    await expect(renderSparkline([1], 'up')).rejects.toThrow(/two or more/);
  });
});

describe('charts of an edition', () => {
  const redis = testRedis();
  let prefix: string;
  let store: EditionStore;
  let app: FastifyInstance;

  beforeEach(async () => {
    prefix = uniquePrefix('ed-charts');
    store = createEditionStore({ redis, keys: keyspace(prefix) });
    app = Fastify();
    await app.register(archiveRoutes, { editions: store, publicUrl: SETTINGS.publicUrl, brand: SETTINGS.brand });
  });
  afterEach(async () => {
    await app.close();
    await dropPrefix(redis, prefix);
  });
  afterAll(() => redis.quit());

  it('renders one PNG per symbol with history, linked from the mail and the archive, served with long caching', async () => {
    const edition = await buildEdition({ stories: fixtureSource(clusters(3)).source, editions: store, audience: EVERY_COMBINATION, settings: SETTINGS, now: () => SLOT }, { slot: SLOT, mode: 'scheduled' });
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
    expect((await decode(res.rawPayload)).width).toBe(144);
    expect((await app.inject(`/charts/${edition.id}/${encodeURIComponent('EURUSD=X')}.png`)).statusCode).toBe(200);
    for (const url of [`/charts/${edition.id}/%5EN225.png`, `/charts/${edition.id}/nope.png`, '/charts/e20991231T0700/%5EGSPC.png', `/charts/${edition.id}/%5EGSPC.gif`]) {
      const miss = await app.inject(url);
      expect(miss.statusCode, url).toBe(404);
    }
  });
});
