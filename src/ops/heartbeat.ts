// Worker and scheduler processes say "alive" every few seconds, so /readyz, the
// overview and /metrics can tell "jobs waiting" from "jobs waiting and nobody
// to run them". One zset (member role|id, score = expiry ms) lists them without
// SCAN; a key per instance with a TTL carries the details. Expiries are written and
// read by Redis's clock: a host whose clock is minutes off still counts as alive.
import { hostname } from 'node:os';
import type { RedisClient } from '../redis.js';
import type { Logger } from '../log.js';
import { luaCommands } from '../lua.js';

export interface HeartbeatKeys {
  heartbeat(role: string, id: string): string;
  heartbeats(): string;
}

export interface HeartbeatDeps {
  redis: RedisClient;
  keys: HeartbeatKeys;
  log?: Logger;
}

export interface Heartbeat {
  /** Stop beating and remove this instance at once (graceful shutdown). Safe to call twice. */
  stop(): Promise<void>;
}

export interface AliveInstance {
  role: string;
  id: string;
  expiresAt: number;
}

/** Missing this many beats in a row means the instance is gone. */
const GRACE_BEATS = 3;
/** Entries dead for longer than this are swept from the zset. */
const SWEEP_AFTER_MS = 86_400_000;

const commands = luaCommands(import.meta.url, {
  heartbeatBeat: { file: 'lua/heartbeat-beat.lua', keys: 2 },
  heartbeatAlive: { file: 'lua/heartbeat-alive.lua', keys: 1 },
});

/** A default instance id: host and pid, which is what an operator looks for. */
export function instanceId(): string {
  return `${hostname()}-${process.pid}`;
}

/** `at` in the details is the process's own clock (what it believes), the expiry Redis's. */
export async function beat(deps: HeartbeatDeps, role: string, id: string, intervalMs: number): Promise<void> {
  const ttlMs = intervalMs * GRACE_BEATS;
  const info = JSON.stringify({ role, id, pid: process.pid, host: hostname(), at: new Date().toISOString() });
  await commands(deps.redis).heartbeatBeat([deps.keys.heartbeat(role, id), deps.keys.heartbeats()], [`${role}|${id}`, info, ttlMs, SWEEP_AFTER_MS]);
}

/** Beat now and every `intervalMs`; a failed beat is logged and the next one tries again. */
export function startHeartbeat(deps: HeartbeatDeps, role: string, id: string = instanceId(), intervalMs = 5000): Heartbeat {
  const tick = () =>
    beat(deps, role, id, intervalMs).catch((err: Error) =>
      deps.log?.warn({ event: 'heartbeat.failed', role, err: err.message }, 'heartbeat failed'),
    );
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        try {
          await deps.redis.multi().del(deps.keys.heartbeat(role, id)).zrem(deps.keys.heartbeats(), `${role}|${id}`).exec();
        } catch {
          // Redis gone: the entry expires by itself.
        }
      })();
      return stopped;
    },
  };
}

/** Instances whose heartbeat has not expired, by Redis's clock. */
export async function aliveInstances(deps: Pick<HeartbeatDeps, 'redis' | 'keys'>): Promise<AliveInstance[]> {
  const raw = (await commands(deps.redis).heartbeatAlive([deps.keys.heartbeats()], [])) as string[];
  const out: AliveInstance[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const member = raw[i]!;
    const sep = member.indexOf('|');
    out.push({ role: member.slice(0, sep), id: member.slice(sep + 1), expiresAt: Number(raw[i + 1]) });
  }
  return out;
}

export function countByRole(instances: readonly AliveInstance[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of instances) out[i.role] = (out[i.role] ?? 0) + 1;
  return out;
}
