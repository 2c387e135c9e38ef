// A quote's last sessions as a small PNG line: drawn as SVG, rasterised by sharp
// (libvips, binary inside the npm package), written as a palette PNG. Rendered once
// per edition per symbol (build.ts), served from /charts/<edition>/<symbol>.png.
// Transparent background and mid-tone strokes: the same image reads on a white
// card and in the dark renderings of Apple Mail and Gmail, which do not touch images.
import sharp from 'sharp';
import type { Direction } from './format.js';

/** CSS size in the mail; the PNG has `scale` times the pixels for sharp screens. */
export const SPARKLINE = { width: 72, height: 24, scale: 2 } as const;
/** Larger images are refused: a mail-sized sparkline fits easily. */
export const MAX_SPARKLINE_BYTES = 2048;

// Mid-tones that keep ≥3:1 contrast on white and on Gmail/Apple Mail dark backgrounds.
const STROKES: Record<Direction, string> = { up: '#16a34a', down: '#dc2626', flat: '#64748b' };

export class SparklineError extends Error {
  override name = 'SparklineError';
}

// libvips keeps an operation cache and a thread pool per process; one small image needs neither.
sharp.cache(false);
sharp.concurrency(1);

/** The polyline's points in pixel space, inset by the stroke so nothing is clipped. */
export function sparklinePoints(closes: readonly number[], width: number, height: number, inset: number): [number, number][] {
  const min = Math.min(...closes);
  const max = Math.max(...closes);
  const span = max - min || 1;
  const stepX = (width - 2 * inset) / (closes.length - 1);
  return closes.map((c, i) => [
    Math.round((inset + i * stepX) * 100) / 100,
    // A flat series sits in the middle rather than on the floor.
    Math.round((max === min ? height / 2 : inset + ((max - c) / span) * (height - 2 * inset)) * 100) / 100,
  ]);
}

export function sparklineSvg(closes: readonly number[], direction: Direction): string {
  const w = SPARKLINE.width * SPARKLINE.scale;
  const h = SPARKLINE.height * SPARKLINE.scale;
  const stroke = 1.5 * SPARKLINE.scale;
  const points = sparklinePoints(closes, w, h, stroke + 1)
    .map(([x, y]) => `${x},${y}`)
    .join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><polyline points="${points}" fill="none" stroke="${STROKES[direction]}" stroke-width="${stroke}" stroke-linejoin="round" stroke-linecap="round"/></svg>`;
}

/** PNG of the closes (oldest first, at least two). */
export async function renderSparkline(closes: readonly number[], direction: Direction): Promise<Buffer> {
  if (closes.length < 2 || !closes.every(Number.isFinite)) throw new SparklineError(`a sparkline needs two or more finite closes, got ${closes.length}`);
  const png = await sharp(Buffer.from(sparklineSvg(closes, direction)))
    .png({ palette: true, colours: 16, compressionLevel: 9, effort: 10 })
    .toBuffer();
  if (png.length > MAX_SPARKLINE_BYTES) throw new SparklineError(`sparkline is ${png.length} bytes, over ${MAX_SPARKLINE_BYTES}`);
  return png;
}
