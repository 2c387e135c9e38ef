// The preview command against a real context (empty pool): HTML + text files, PNGs, usage.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { editionPreviewCommand } from '../../src/cli/edition-preview.js';
import type { Output } from '../../src/cli/output.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix } from '../helpers/redis.js';

function capture() {
  const lines: string[] = [];
  const errs: string[] = [];
  const out: Output = {
    line: (t) => lines.push(t),
    raw: (t) => lines.push(t),
    err: (t) => errs.push(t),
    usage: (t) => {
      errs.push(`usage: ${t}`);
      return 2;
    },
  };
  return { out, lines, errs };
}

let ctx: AppContext;
let dir: string;
beforeAll(async () => {
  ctx = createContext(testConfig({ POSTAL_ADDRESS: '9 Preview Lane, Testville' }), { name: 'test' });
  dir = await mkdtemp(join(tmpdir(), 'md-preview-'));
});
afterAll(async () => {
  await dropPrefix(ctx.redis, ctx.keys.prefix);
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('digest edition preview', () => {
  it('writes HTML to stdout, or HTML and text files with --out', async () => {
    const a = capture();
    expect(await editionPreviewCommand(ctx, [], a.out)).toBe(0);
    expect(a.lines.join('')).toMatch(/^<!doctype html>/i);
    expect(a.errs.join('\n')).toMatch(/subject: .*\n0 stories/);
    expect(a.errs.join('\n')).toContain('digest ingest --wait');

    const b = capture();
    const file = join(dir, 'edition.html');
    expect(await editionPreviewCommand(ctx, ['--out', file], b.out)).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('9 Preview Lane, Testville');
    expect(await readFile(join(dir, 'edition.txt'), 'utf8')).toContain('Unsubscribe: http://localhost:3000/unsubscribe/preview');
  });

  it('rejects unknown arguments with usage', async () => {
    const c = capture();
    expect(await editionPreviewCommand(ctx, ['--bogus'], c.out)).toBe(2);
    expect(c.errs[0]).toMatch(/^usage: digest edition preview/);
  });

  it.skipIf(!existsSync('/usr/bin/chromium'))('screenshots at 600 and 375 px with --png', async () => {
    const d = capture();
    const pngs = join(dir, 'png');
    expect(await editionPreviewCommand(ctx, ['--out', join(dir, 'x.html'), '--png', pngs], d.out)).toBe(0);
    expect((await readdir(pngs)).sort()).toEqual(['preview-375.png', 'preview-600.png']);
  });
});
