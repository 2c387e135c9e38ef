// The code rules from STYLE.md that a machine can check.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const source = [...files('src'), ...files('workers')];

/**
 * The folder order, lowest first: a file may import its own folder and anything in a lower
 * row, never a higher one or a sibling in the same row. Top-level files of src/ other than
 * config.ts and context.ts are the base (log, keys, redis, paths, html escaping).
 * workers/ (the top-level folder of thin processors) sits above the job definitions and
 * below the composition root: the worker process wires them.
 */
const ORDER: readonly (readonly string[])[] = [
  ['base', 'queues'],
  ['subscribers', 'stories'],
  ['editions'],
  ['delivery'],
  ['mail'],
  ['ops'],
  ['http'],
  ['config'],
  ['jobs'],
  ['workers'],
  ['context'],
  ['processes'],
  ['cli'],
];

function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'workers') return 'workers';
  if (parts.length > 2) return parts[1]!;
  const name = parts[1]!.replace(/\.ts$/, '');
  return name === 'config' || name === 'context' ? name : 'base';
}

const rank = (folder: string) => ORDER.findIndex((row) => row.includes(folder));

/** Every relative import of a file (type-only ones too: they are dependencies all the same). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)].map((m) =>
    join(dirname(file), m[1]!).replace(/\.js$/, '.ts'),
  );
}

describe('architecture', () => {
  it('has no import cycles', async () => {
    const result = await madge(['src', 'workers'], {
      baseDir: '.',
      fileExtensions: ['ts'],
      tsConfig: 'tsconfig.json',
      detectiveOptions: { ts: { skipTypeImports: true } },
    });
    // The graph must really be resolved (NodeNext `.js` specifiers → .ts files), or "no cycles" means nothing.
    expect(result.obj()['src/context.ts']).toContain('src/subscribers/store.ts');
    expect(result.circular()).toEqual([]);
  }, 60_000);

  it('imports folders in one direction only', () => {
    expect(source.map(folderOf).filter((f) => rank(f) < 0)).toEqual([]);
    const upward = source.flatMap((file) =>
      importsOf(file)
        .filter((target) => folderOf(target) !== folderOf(file) && rank(folderOf(target)) >= rank(folderOf(file)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('reads process.env only in src/config.ts (and the CLI entry)', () => {
    const readers = source.filter((f) => /process\.env/.test(readFileSync(f, 'utf8')));
    expect(readers.sort()).toEqual(['src/config.ts']);
  });

  it('keeps library code free of the composition root', () => {
    const allowed = /^src\/(context|processes\/|cli\/)/;
    const offenders = source.filter((f) => !allowed.test(f) && /from '\.\.?\/(\.\.\/)*context\.js'/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('keeps job definitions and workers thin (a screen long)', () => {
    const long = [...files('src/jobs'), ...files('workers')].filter((f) => readFileSync(f, 'utf8').split('\n').length > 90);
    expect(long).toEqual([]);
  });

  it('has no god files', () => {
    const big = source.filter((f) => readFileSync(f, 'utf8').split('\n').length > 400);
    expect(big).toEqual([]);
  });
});
