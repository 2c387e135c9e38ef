// The Lua scripts in src/**/lua/: each has its header, each is a registered command or
// included by one, every registered command is called, and the loader resolves includes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLua, LuaScriptError } from '../src/lua.js';

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n), ext) : n.endsWith(ext) ? [join(dir, n)] : []));
}

const luaFiles = walk('src', '.lua');
const sources = walk('src', '.ts').map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** Commands declared with luaCommands: name, script path, fixed key count. */
const commands = sources.flatMap(({ file, text }) =>
  file !== join('src', 'lua.ts') && text.includes('luaCommands(import.meta.url')
    ? [...text.matchAll(/(\w+): \{ file: '([^']+)'(?:, keys: (\d+))? \}/g)].map((m) => ({
        name: m[1]!,
        path: join(dirname(file), m[2]!),
        keys: m[3] === undefined ? undefined : Number(m[3]),
      }))
    : [],
);
const includes = luaFiles.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*--@include ([\w-]+)\s*$/gm)].map((m) => join(dirname(file), `${m[1]}.lua`)),
);

/** The header: the comment lines the file opens with. */
const header = (file: string) => {
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.slice(0, lines.findIndex((l) => !l.startsWith('--') || l.startsWith('--@'))).join('\n');
};

describe('Lua scripts', () => {
  it('are found and declared', () => {
    expect(luaFiles.length).toBeGreaterThan(20);
    expect(commands.length).toBeGreaterThan(20);
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });

  it('every registered command has a header: purpose, KEYS[n], ARGV[n] and what it returns', () => {
    for (const { path, keys } of commands) {
      const h = header(path);
      expect(h.split('\n')[0], path).toMatch(/^-- [A-Z]\w/); // the purpose first
      expect(h, path).toMatch(/^-- KEYS\[\d+/m);
      expect(h, path).toMatch(/^-- ARGV(\[\d+| none$)/m);
      expect(h, path).toMatch(/^-- Returns /m);
      if (keys !== undefined) {
        // The highest KEYS[n] (or KEYS[a..n]) the header documents is the declared key count.
        const highest = Math.max(...[...h.matchAll(/KEYS\[(\d+)(?:\.\.(\d+))?\]/g)].map((m) => Number(m[2] ?? m[1])));
        expect(highest, path).toBe(keys);
      }
    }
  });

  it('every included piece says what it is and what it expects in scope', () => {
    for (const file of new Set(includes)) {
      const h = header(file);
      expect(h, file).toMatch(/^-- Include: /);
      expect(h, file).toMatch(/^-- Expects in scope: /m);
    }
  });

  it('every .lua file is a registered command or included by one, never both', () => {
    const registered = new Set(commands.map((c) => c.path));
    const included = new Set(includes);
    for (const file of luaFiles) {
      expect(registered.has(file) || included.has(file), `${file} is neither registered nor included`).toBe(true);
      expect(registered.has(file) && included.has(file), `${file} is both a command and a piece`).toBe(false);
    }
    for (const file of [...registered, ...included]) expect(luaFiles, file).toContain(file);
  });

  it('every registered command is called, and no module calls Redis EVAL/EVALSHA itself', () => {
    const all = sources.map((s) => s.text).join('\n');
    for (const { name } of commands) expect(all, name).toMatch(new RegExp(`\\.${name}\\(`));
    for (const { file, text } of sources) {
      if (file === join('src', 'lua.ts')) continue;
      expect(text, file).not.toMatch(/\.(eval|evalsha)\(|redis\.call\(|defineCommand\(/);
    }
  });

  it('every registered script loads with its includes resolved', () => {
    for (const { path } of commands) {
      const lua = loadLua(path);
      expect(lua, path).not.toMatch(/--@include/);
      expect(lua, path).toMatch(/redis\.call\(/);
    }
  });
});

describe('loadLua', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-lua-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, `${name}.lua`), text);
    return join(dir, `${name}.lua`);
  };

  it('inlines included pieces, nested, in place of their line', () => {
    file('inner', '-- Include: inner\nlocal x = 1\n');
    file('middle', '--@include inner\nlocal y = x\n');
    const top = file('top', 'local a = 0\n  --@include middle\nreturn y\n');
    expect(loadLua(top)).toBe('local a = 0\n-- Include: inner\nlocal x = 1\nlocal y = x\nreturn y\n');
  });

  it('names a missing include and a cycle', () => {
    expect(() => loadLua(file('lost', '--@include nowhere\n'))).toThrow(LuaScriptError);
    expect(() => loadLua(file('lost', '--@include nowhere\n'))).toThrow(/nowhere\.lua/);
    file('ping', '--@include pong\n');
    file('pong', '--@include ping\n');
    expect(() => loadLua(join(dir, 'ping.lua'))).toThrow(/cycle: .*ping\.lua → .*pong\.lua → .*ping\.lua/);
  });
});
