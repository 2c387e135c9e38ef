// The code rules from STYLE.md that a machine can check.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const source = [...files('src'), ...files('workers')];

describe('architecture', () => {
  it('has no import cycles', async () => {
    const result = await madge(['src', 'workers'], {
      fileExtensions: ['ts'],
      tsConfig: 'tsconfig.json',
      detectiveOptions: { ts: { skipTypeImports: true } },
    });
    // The graph must really be resolved (NodeNext `.js` specifiers → .ts files), or "no cycles" means nothing.
    expect(result.obj()['src/context.ts']).toContain('src/subscribers/store.ts');
    expect(result.circular()).toEqual([]);
  }, 60_000);

  it('reads process.env only in src/config.ts (and the CLI entry)', () => {
    const readers = source.filter((f) => /process\.env/.test(readFileSync(f, 'utf8')));
    expect(readers.sort()).toEqual(['src/config.ts']);
  });

  it('keeps library code free of the composition root', () => {
    const allowed = /^(src\/(context|processes\/|cli\/)|workers\/)/;
    const offenders = source.filter((f) => !allowed.test(f) && /from '\.\.?\/(\.\.\/)*context\.js'/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('keeps workers thin (a screen long)', () => {
    const long = files('workers').filter((f) => readFileSync(f, 'utf8').split('\n').length > 70);
    expect(long).toEqual([]);
  });

  it('has no god files', () => {
    const big = source.filter((f) => readFileSync(f, 'utf8').split('\n').length > 400);
    expect(big).toEqual([]);
  });
});
