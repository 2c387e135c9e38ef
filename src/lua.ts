// Redis Lua scripts live in `.lua` files in a `lua/` folder next to the module that owns
// them (as BullMQ's src/commands), each opening with a header: purpose, KEYS, ARGV, return.
// A line `--@include name` pulls in `name.lua` from the same folder, once, at load time
// (shared pieces are written once). The owner declares its scripts with `luaCommands`; each
// becomes an ioredis command (`defineCommand`) on every connection that runs it, so ioredis
// sends EVALSHA and the script text only when the connection's server lacks it.
// The build copies the .lua files next to the compiled modules (package.json `build`).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient, ReplicaWait } from './redis.js';

export class LuaScriptError extends Error {
  override name = 'LuaScriptError';
}

/** One script: its file (relative to the owning module) and its fixed key count, if fixed. */
export interface LuaCommandSpec {
  file: string;
  /** Omitted when the caller's key count varies (the call passes it). */
  keys?: number;
}

type Arg = string | number;
/**
 * Run the script on `keys` with `args`. With `wait`, WAIT follows in the same pipeline (one
 * round trip; in a cluster it goes to the node of the script's keys): the reply comes once
 * `replicas` replicas have the write, or after `timeoutMs` (then a failover may lose it).
 */
export type LuaCommand = (keys: readonly string[], args: readonly Arg[], wait?: ReplicaWait) => Promise<unknown>;
type Call = (...a: Arg[]) => Promise<unknown>;

const INCLUDE = /^[ \t]*--@include[ \t]+([\w-]+)[ \t]*$/gm;
const texts = new Map<string, string>();

/** The script in `path` with its includes resolved (each file read once per process). */
export function loadLua(path: string, including: readonly string[] = []): string {
  if (including.includes(path)) throw new LuaScriptError(`Lua include cycle: ${[...including, path].join(' → ')}`);
  const cached = texts.get(path);
  if (cached !== undefined) return cached;
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LuaScriptError(`Lua script missing: ${path} (${(err as Error).message})`);
  }
  const text = source.replace(INCLUDE, (_line, name: string) => loadLua(join(dirname(path), `${name}.lua`), [...including, path]).trimEnd());
  texts.set(path, text);
  return text;
}

const defined = new Map<string, string>();
const hosts = new Map<string, WeakSet<object>>();

/**
 * The scripts of one module, as typed functions on a connection: `luaCommands(import.meta.url,
 * { ledgerClaim: { file: 'lua/ledger-claim.lua', keys: 2 } })(redis).ledgerClaim(keys, args)`.
 * Names are ioredis command names, unique across the process.
 */
export function luaCommands<const S extends Record<string, LuaCommandSpec>>(moduleUrl: string, specs: S) {
  const dir = dirname(fileURLToPath(moduleUrl));
  const scripts = Object.entries(specs).map(([name, spec]) => {
    const lua = loadLua(join(dir, spec.file));
    const earlier = defined.get(name);
    if (earlier !== undefined && earlier !== lua) throw new LuaScriptError(`Lua command ${name} defined twice with different scripts`);
    defined.set(name, lua);
    return { name, lua, keys: spec.keys };
  });
  return (redis: RedisClient): { [K in keyof S]: LuaCommand } => {
    const out: Record<string, LuaCommand> = {};
    for (const { name, lua, keys } of scripts) {
      const seen = hosts.get(name) ?? new WeakSet();
      hosts.set(name, seen);
      if (!seen.has(redis)) {
        redis.defineCommand(name, keys === undefined ? { lua } : { lua, numberOfKeys: keys });
        seen.add(redis);
      }
      out[name] = async (k, a, wait) => {
        if (keys !== undefined && k.length !== keys) throw new LuaScriptError(`${name} takes ${keys} keys, got ${k.length}`);
        const argv = keys === undefined ? [k.length, ...k, ...a] : [...k, ...a];
        if (!wait || wait.replicas <= 0) return (redis as unknown as Record<string, Call>)[name]!(...argv);
        const pipe = redis.pipeline();
        (pipe as unknown as Record<string, Call>)[name]!(...argv);
        const [[err, value] = [null, null]] = (await pipe.wait(wait.replicas, wait.timeoutMs).exec()) ?? [];
        if (err) throw err;
        return value;
      };
    }
    return out as { [K in keyof S]: LuaCommand };
  };
}
