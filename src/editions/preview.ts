// What `digest edition preview` does, without the CLI: render the current pool as a
// reader with every topic would get it (nothing is stored), and optionally screenshot it.
import { topicsKey } from '../topics.js';
import { draftEdition, type StorySource } from './build.js';
import { personalise, type PersonalisedMessage } from './personalise.js';
import { renderVariant, type RenderSettings } from './render.js';
import { compileMjml, type CompileMjml } from './compile.js';
import type { EditionVariant } from './model.js';

export interface PreviewResult extends PersonalisedMessage {
  variant: EditionVariant;
}

export async function renderPreview(
  stories: StorySource,
  settings: RenderSettings,
  now: Date,
  compile: CompileMjml = compileMjml,
  reader: { watchlist?: readonly string[] } = {},
): Promise<PreviewResult> {
  const key = topicsKey(settings.topics.map((t) => t.id)); // every topic
  const edition = await draftEdition(stories, { slot: now, mode: 'now', variants: [key] }, settings, now);
  const variant = await renderVariant({ ...edition, slot: now }, key, settings, compile);
  const base = settings.publicUrl;
  const message = personalise(variant, {
    name: 'Preview Reader',
    unsubscribeUrl: `${base}/unsubscribe/preview`,
    preferencesUrl: `${base}/preferences/preview`,
    browserUrl: `${base}/archive`,
    ...(reader.watchlist ? { watchlist: reader.watchlist } : {}),
  });
  return { ...message, variant };
}

export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface Screenshot {
  width: number;
  scheme: 'light' | 'dark';
  path: string;
  /** Document width minus viewport width; > 0 means the reader scrolls sideways. */
  overflowPx: number;
  /** Lowest text/background contrast ratio of any visible text (WCAG formula), and where. */
  minContrast: { ratio: number; text: string };
  /** The background behind the first story headline, as the browser computed it. */
  cardBackground: string;
}

/**
 * Runs in the page: the WCAG contrast of every element's own visible text against the
 * first opaque background behind it. Light text on a light card shows up here, in either
 * scheme. Plain JavaScript in a string: a bundler's helpers must not reach the page.
 */
const MEASURE_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      const p = rgb(bg);
      if (p.length >= 3 && (p.length < 4 || p[3] > 0.5)) return bg;
    }
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)';
  };
  let worst = { ratio: Infinity, text: '' };
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(rgb(background(el)));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < worst.ratio) worst = { ratio: Math.round(ratio * 100) / 100, text: own.slice(0, 60) };
  }
  return { ...worst, cardBackground: background(document.querySelector('a.md-title')) };
})()`;

/**
 * Full-page PNGs at the given widths with Chromium (playwright-core, a dev dependency:
 * loaded only when asked). Remote requests are blocked so previews stay offline.
 */
export async function screenshotHtml(
  html: string,
  outDir: string,
  options: { widths?: number[]; schemes?: ('light' | 'dark')[]; executablePath?: string; name?: string } = {},
): Promise<Screenshot[]> {
  const { chromium } = await import('playwright-core');
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: options.executablePath ?? '/usr/bin/chromium', args: BROWSER_ARGS });
  try {
    const shots: Screenshot[] = [];
    for (const scheme of options.schemes ?? ['light']) {
      for (const width of options.widths ?? [600, 375]) {
        const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: scheme });
        await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
        await page.setContent(html, { waitUntil: 'load' });
        const overflowPx = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        const { cardBackground, ...minContrast } = await page.evaluate<{ ratio: number; text: string; cardBackground: string }>(MEASURE_CONTRAST);
        const path = join(outDir, `${options.name ?? 'edition'}-${width}${scheme === 'dark' ? '-dark' : ''}.png`);
        await page.screenshot({ path, fullPage: true });
        await page.close();
        shots.push({ width, scheme, path, overflowPx, minContrast, cardBackground });
      }
    }
    return shots;
  } finally {
    await browser.close();
  }
}
