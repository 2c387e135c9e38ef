// Market sparklines: PNGs decoded and checked (size, dimensions, one line per series).
// Their place in the mail and the archive, and the /charts route: archive.test.ts.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_SPARKLINE_BYTES, renderSparkline, SPARKLINE } from '../../src/editions/sparkline.js';

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
