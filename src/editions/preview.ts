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
  });
  return { ...message, variant };
}

export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface Screenshot {
  width: number;
  path: string;
  /** Document width minus viewport width; > 0 means the reader scrolls sideways. */
  overflowPx: number;
}

/**
 * Full-page PNGs at the given widths with Chromium (playwright-core, a dev dependency:
 * loaded only when asked). Remote requests are blocked so previews stay offline.
 */
export async function screenshotHtml(
  html: string,
  outDir: string,
  options: { widths?: number[]; executablePath?: string; name?: string } = {},
): Promise<Screenshot[]> {
  const { chromium } = await import('playwright-core');
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: options.executablePath ?? '/usr/bin/chromium', args: BROWSER_ARGS });
  try {
    const shots: Screenshot[] = [];
    for (const width of options.widths ?? [600, 375]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
      await page.setContent(html, { waitUntil: 'load' });
      const overflowPx = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const path = join(outDir, `${options.name ?? 'edition'}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      await page.close();
      shots.push({ width, path, overflowPx });
    }
    return shots;
  } finally {
    await browser.close();
  }
}
