// A real browser (Debian's chromium via playwright-core) renders the digest at phone
// width: nothing may make the reader scroll sideways, hostile unbroken text included.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPreview, screenshotHtml } from '../../src/editions/preview.js';
import { MARKET, SETTINGS, SLOT, cluster, clusters, fixtureSource } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.skipIf(!existsSync('/usr/bin/chromium'))('digest in a browser', () => {
  it('has no horizontal overflow at 375 px (and 600 px), even with unbroken hostile text', async () => {
    const unbroken = cluster(0, 'markets', {
      title: `Breaking${'X'.repeat(400)}`,
      summary: `https://example.com/${'a'.repeat(600)}`,
      sourceName: 'S'.repeat(120),
    }, 999);
    const market = { ...MARKET, quotes: [...MARKET.quotes, { ...MARKET.quotes[0]!, label: 'L'.repeat(40), price: 123456789.12 }] };
    const { source } = fixtureSource([unbroken, ...clusters(8)], market);
    const preview = await renderPreview(source, SETTINGS, SLOT);
    const dir = await mkdtemp(join(tmpdir(), 'md-edition-'));
    dirs.push(dir);
    const shots = await screenshotHtml(preview.html, dir, { widths: [375, 600] });
    expect(shots.map((s) => [s.width, s.overflowPx])).toEqual([
      [375, 0],
      [600, 0],
    ]);
    for (const shot of shots) expect((await stat(shot.path)).size).toBeGreaterThan(10_000);
  });

  it('stays legible in light and dark rendering at 600 and 375 px, charts and watchlist marks included', async () => {
    const { source } = fixtureSource([cluster(0, 'markets', { title: 'Chip makers drag the Nasdaq lower' }, 999), ...clusters(6)], MARKET);
    const settings = { ...SETTINGS, watchNames: [{ symbol: '^IXIC', names: ['Nasdaq'] }] };
    const preview = await renderPreview(source, settings, SLOT, undefined, { watchlist: ['^IXIC'] });
    expect(preview.html).toContain('<meta name="color-scheme" content="light dark"');
    expect(preview.html).toContain('On your watchlist');
    const dir = await mkdtemp(join(tmpdir(), 'md-edition-'));
    dirs.push(dir);
    const shots = await screenshotHtml(preview.html, dir, { widths: [600, 375], schemes: ['light', 'dark'] });
    expect(shots.map((s) => `${s.scheme} ${s.width}`)).toEqual(['light 600', 'light 375', 'dark 600', 'dark 375']);
    for (const shot of shots) {
      expect(shot.overflowPx, `${shot.scheme} ${shot.width}`).toBe(0);
      // WCAG AA for small text is 4.5; nothing in the mail may fall below it, in either scheme.
      expect(shot.minContrast.ratio, `${shot.scheme} ${shot.width}: "${shot.minContrast.text}"`).toBeGreaterThanOrEqual(4.5);
      expect((await stat(shot.path)).size).toBeGreaterThan(10_000);
    }
    // Dark really is dark: the story cards' background, not only the text colour, follows the scheme.
    expect(shots.find((s) => s.scheme === 'light')!.cardBackground).toBe('rgb(255, 255, 255)');
    expect(shots.find((s) => s.scheme === 'dark')!.cardBackground).toBe('rgb(17, 24, 39)');
  });
});
