// Redis connections, for every topology: one server (REDIS_URL, redis:// or rediss://),
// Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or Cluster (REDIS_CLUSTER_NODES), each
// over TLS when REDIS_URL is rediss:// (CA and client certificate from REDIS_TLS_*_FILE).
// Everything, BullMQ included, connects through here. BullMQ workers need
// maxRetriesPerRequest: null (block until Redis is back); request paths (HTTP) fail
// fast instead of queueing commands forever.
import type { ConnectionOptions, RedisOptions as BullRedisOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { GuardedSentinelConnector, GuardedStandaloneConnector, tlsOptions, type RedisTls } from './redis-tls.js';

export type RedisRole = 'worker' | 'request' | 'command';

/** A store's connection: one server or Sentinel-followed (`Redis`) or a `Cluster`; both take the same commands. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** Credentials and TLS for the data nodes (from REDIS_URL's user, password and scheme). */
export interface RedisAuth {
  username?: string;
  password?: string;
  /** Present when REDIS_URL is rediss://. */
  tls?: RedisTls;
  db?: number;
}

export type RedisTopology =
  | { kind: 'single'; url: string; tls?: RedisTls }
  /** `sentinelTls`: the Sentinels themselves speak TLS (REDIS_SENTINEL_TLS), with the same CA and client certificate. */
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword?: string; sentinelTls?: RedisTls; auth: RedisAuth }
  | { kind: 'cluster'; nodes: HostPort[]; auth: RedisAuth };

/** `host:port,host:port` → list; null when an entry is not host:port. */
export function parseHostPorts(list: string): HostPort[] | null {
  const out: HostPort[] = [];
  for (const entry of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return null;
    out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
  }
  return out.length ? out : null;
}

/** User, password, TLS (rediss://, with `tls`'s CA and client certificate) and database of a redis:// or rediss:// URL. */
export function authOf(url: string, tls: RedisTls = {}): RedisAuth {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
  };
}

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: false },
  request: { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000, commandTimeout: 5000 },
  command: { maxRetriesPerRequest: 3 },
};

function nodeOptions(auth: RedisAuth, role: RedisRole, extra: RedisOptions): RedisOptions {
  return {
    lazyConnect: false,
    connectionName: `market-digest:${role}`,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    // A primary demoted by a failover answers writes with READONLY: reconnect (Sentinel
    // then gives the new primary) and send the command again.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
    ...(auth.tls ? { tls: tlsOptions(auth.tls), Connector: GuardedStandaloneConnector } : {}),
    ...(auth.db ? { db: auth.db } : {}),
    ...ROLE_OPTIONS[role],
    ...extra,
  };
}

function clusterOptions(auth: RedisAuth, role: RedisRole, extra: RedisOptions): ClusterOptions {
  const { maxRetriesPerRequest, enableOfflineQueue, ...redisOptions } = nodeOptions(auth, role, extra);
  return {
    redisOptions: { ...redisOptions, ...(maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest } : {}) },
    clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    // A failover moves slots: follow MOVED/ASK and refresh the map instead of failing the command.
    maxRedirections: 32,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    // Under TLS, hand node names to tls.connect as given so the certificate is checked against
    // them (ioredis otherwise resolves them first and checks the IP). Nodes found through
    // CLUSTER SLOTS are named as the cluster announces them (IPs unless cluster-announce-hostname).
    ...(auth.tls ? { dnsLookup: (address: string, done: (err: null, address: string) => void) => done(null, address) } : {}),
  };
}

function sentinelOptions(t: Extract<RedisTopology, { kind: 'sentinel' }>, role: RedisRole, extra: RedisOptions): RedisOptions {
  return {
    ...nodeOptions(t.auth, role, extra),
    sentinels: t.sentinels,
    name: t.name,
    ...(t.sentinelPassword ? { sentinelPassword: t.sentinelPassword } : {}),
    // ioredis ignores `tls` for the data nodes under Sentinel unless told otherwise.
    ...(t.auth.tls ? { enableTLSForSentinelMode: true } : {}),
    ...(t.sentinelTls ? { sentinelTLS: tlsOptions(t.sentinelTls) } : {}),
    // ioredis wires its own Sentinel connector only when no Connector is given: ours is the same, guarded.
    ...(t.auth.tls || t.sentinelTls ? { Connector: GuardedSentinelConnector } : {}),
    // No `failoverDetector`: its +switch-master handler disconnects the connector, and when that
    // lands while the client is already reconnecting (resolving the new primary after the old one
    // died), ioredis 5.11 ends the client for good ("Connection is closed", status `end`): seen in
    // chaos scenario 8 (`--seed 7104 --only 8`). A failover is learnt when the old primary's
    // connections close (it died, or was demoted: Redis closes its clients then) or answers
    // READONLY (reconnectOnError above); ioredis leaves the detector off by default too.
  };
}

export function createRedis(topology: RedisTopology, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, nodeOptions(topology.tls ? { tls: topology.tls } : {}, role, extra));
    case 'sentinel':
      return new Redis(sentinelOptions(topology, role, extra));
    case 'cluster':
      return new Cluster(topology.nodes, clusterOptions(topology.auth, role, extra));
  }
}

/**
 * BullMQ's connection: options for one server or Sentinel (each Queue and Worker opens its
 * own sockets from them), a Cluster client for a cluster (BullMQ cannot tell a cluster from
 * options; Workers duplicate it for their blocking connection).
 */
export function bullConnection(topology: RedisTopology): ConnectionOptions {
  // BullMQ's option type has no `retryStrategy: null`; ours is always a function.
  const forBull = ({ retryStrategy, ...rest }: RedisOptions): BullRedisOptions => ({ ...rest, ...(retryStrategy ? { retryStrategy } : {}) });
  switch (topology.kind) {
    case 'single': {
      const url = new URL(topology.url);
      return forBull({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379), ...nodeOptions(authOf(topology.url, topology.tls), 'worker', {}) });
    }
    case 'sentinel':
      return forBull(sentinelOptions(topology, 'worker', {}));
    case 'cluster':
      return new Cluster(topology.nodes, clusterOptions(topology.auth, 'worker', {}));
  }
}

/** Where a topology points, for logs and errors (never credentials). */
export function describeTopology(t: RedisTopology): string {
  const list = (hs: HostPort[]) => hs.map((h) => `${h.host}:${h.port}`).join(',');
  if (t.kind === 'single') {
    const u = new URL(t.url);
    return `${u.protocol}//${u.host}`;
  }
  return t.kind === 'sentinel' ? `sentinel ${t.name} via ${list(t.sentinels)}` : `cluster ${list(t.nodes)}`;
}

/** Quit politely; disconnect if Redis does not answer. Safe to call twice. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  try {
    await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // already closing
  }
  client.disconnect();
}

/** Replicas a write must reach before it counts (Redis WAIT), and how long to wait for them. */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/**
 * True when Redis is away or cannot take writes for now (connection lost, retries spent,
 * loading, a replica mid-failover, cluster reshaping, out of memory): the same command may
 * succeed later. Anything else (a script error, a wrong type) will not.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  // Script errors carry the command's error after a prefix, hence "start or after a space".
  return /(^|\s)(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS) |Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Command timed out|Failed to refresh slots cache|None of the sentinels are available|All sentinels are unreachable/.test(err.message);
}

/**
 * Run `write` until Redis takes it: for outcomes that already happened outside Redis (a relay
 * accepted a message) and must not be lost because Redis was away for a moment. Gives up only
 * after `giveUpMs` or when `stop` aborts (process closing), rethrowing the last error.
 */
export async function untilWritten<T>(write: () => Promise<T>, options: { giveUpMs?: number; stop?: AbortSignal; onRetry?: (err: Error, attempt: number) => void } = {}): Promise<T> {
  const deadline = Date.now() + (options.giveUpMs ?? 600_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isRedisUnavailable(err) || Date.now() >= deadline || options.stop?.aborted) throw err;
      options.onRetry?.(err as Error, attempt);
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(attempt, 6), 5000)));
    }
  }
}

export interface RedisMemory {
  usedBytes: number;
  /** 0 = no limit. */
  maxBytes: number;
  /** At or over maxmemory: with noeviction, writes are refused (OOM) until memory frees. */
  full: boolean;
}

/** Memory of the Redis (every master of a cluster; the fullest one counts). */
export async function redisMemory(redis: RedisClient): Promise<RedisMemory> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  let worst: RedisMemory = { usedBytes: 0, maxBytes: 0, full: false };
  for (const node of nodes) {
    const info = await node.info('memory');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    const m = { usedBytes: field('used_memory'), maxBytes: field('maxmemory') };
    const full = m.maxBytes > 0 && m.usedBytes >= m.maxBytes;
    if (full || (!worst.full && m.usedBytes > worst.usedBytes)) worst = { ...m, full };
  }
  return worst;
}

/** What operators read when Redis is full (readiness, edition report). */
export const REDIS_FULL_REASON = 'Redis is full (maxmemory reached, noeviction): signups answer 503 and sending waits until memory frees';
