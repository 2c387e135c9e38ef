// `digest edition preview [--out FILE] [--png DIR]`: render the edition the current
// pool would make, as a reader with every topic gets it. Stores nothing.
import { writeFile } from 'node:fs/promises';
import type { AppContext } from '../context.js';
import { renderPreview, screenshotHtml } from '../editions/preview.js';
import { editionSettings } from '../processes/settings.js';
import { stdio, type Output } from './output.js';

const USAGE = 'digest edition preview [--out FILE] [--png DIR]';

function parse(args: string[]): { out?: string; png?: string } | null {
  const opts: { out?: string; png?: string } = {};
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    const value = args[i + 1];
    if ((flag === '--out' || flag === '--png') && value && !value.startsWith('--')) {
      opts[flag === '--out' ? 'out' : 'png'] = value;
      i += 1;
    } else {
      return null;
    }
  }
  return opts;
}

/** Without --out the HTML goes to stdout (pipe it anywhere) and the summary to stderr. */
export async function editionPreviewCommand(ctx: AppContext, args: string[], out: Output = stdio): Promise<number> {
  const opts = parse(args);
  if (!opts) return out.usage(USAGE);
  const preview = await renderPreview(ctx.stories, editionSettings(ctx.config), new Date());
  const v = preview.variant;
  const summary = `subject: ${preview.subject}\n${v.storyIds.length} stories, HTML ${(v.htmlBytes / 1024).toFixed(1)} KB, compiled in ${v.compileMs} ms`;
  if (opts.out) {
    const textPath = opts.out.endsWith('.html') ? opts.out.replace(/\.html$/, '.txt') : `${opts.out}.txt`;
    await writeFile(opts.out, preview.html);
    await writeFile(textPath, preview.text);
    out.line(`${summary}\nwrote ${opts.out} and ${textPath}`);
  } else {
    out.raw(preview.html);
    out.err(summary);
  }
  if (v.storyIds.length === 0) out.err('the pool has no stories for the last window: run `digest ingest --wait` first');
  if (opts.png) {
    try {
      const shots = await screenshotHtml(preview.html, opts.png, { name: 'preview' });
      for (const s of shots) out.err(`screenshot ${s.width}px: ${s.path}${s.overflowPx > 0 ? ` (scrolls sideways by ${s.overflowPx}px!)` : ''}`);
    } catch (err) {
      out.err(`no screenshots: ${(err as Error).message.split('\n')[0]} (needs playwright-core and /usr/bin/chromium)`);
      return 1;
    }
  }
  return 0;
}
