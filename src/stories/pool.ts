// The story pool in Redis: clusters with their member stories, the market
// snapshot, per-source health and conditional-GET validators. Everything expires.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis.js';
import { z } from 'zod';
import type { Keyspace } from '../keys.js';
import { luaCommands } from '../lua.js';
import { MarketSnapshotSchema, StorySchema, type Cluster, type MarketSnapshot } from './model.js';
import type { Section } from './sources-schema.js';
import type { StoryGroup } from './cluster.js';
import { rankClusters } from './rank.js';
import { SourceHealthSchema, type SourceHealth } from './report.js';

/** A weekly edition looks back seven days; a day more covers a late ingest and DST. */
export const POOL_TTL_SECONDS = 8 * 24 * 3600;

/** How long a first-seen time outlives its story's last appearance in the feed. */
export const FIRST_SEEN_TTL_SECONDS = 30 * 24 * 3600;

const commands = luaCommands(import.meta.url, { ingestLockRelease: { file: 'lua/ingest-lock-release.lua', keys: 1 } });

const StoryGroupSchema = z.object({
  id: z.string(),
  members: z.array(StorySchema).min(1),
  weights: z.record(z.string(), z.number()).optional(),
  home: z.array(z.string()).optional(),
  homeBoost: z.number().optional(),
});

export interface StoryPoolDeps {
  redis: RedisClient;
  keys: Keyspace;
}

export interface ListOptions {
  since: Date;
  until: Date;
  sections?: Section[];
  /** See rank.ts; default 3. */
  perSourceCap?: number;
}

export interface FeedValidators {
  etag?: string;
  lastModified?: string;
}

export type StoryPool = ReturnType<typeof createStoryPool>;

function newest(g: StoryGroup): number {
  return Math.max(...g.members.map((m) => Date.parse(m.publishedAt)));
}

export function createStoryPool({ redis, keys }: StoryPoolDeps) {
  async function loadGroups(sinceMs: number): Promise<StoryGroup[]> {
    const ids = await redis.zrangebyscore(keys.clustersByTime(), sinceMs, '+inf');
    if (ids.length === 0) return [];
    const groups: StoryGroup[] = [];
    const gone: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      const raws = await redis.mget(slice.map((id) => keys.storyCluster(id)));
      raws.forEach((raw, j) => {
        const parsed = raw ? StoryGroupSchema.safeParse(JSON.parse(raw)) : undefined;
        if (parsed?.success) groups.push(parsed.data);
        else gone.push(slice[j]!);
      });
    }
    if (gone.length) await redis.zrem(keys.clustersByTime(), ...gone);
    return groups;
  }

  return {
    /** Groups whose newest story is at or after `since` (for joining new stories to them). */
    loadGroups(since: Date): Promise<StoryGroup[]> {
      return loadGroups(since.getTime());
    },

    /** Write groups (whole) and drop index entries older than the pool's lifetime. */
    async saveClusters(groups: StoryGroup[], now: Date = new Date()): Promise<void> {
      const pipe = redis.multi();
      for (const g of groups) {
        pipe.set(keys.storyCluster(g.id), JSON.stringify(g), 'EX', POOL_TTL_SECONDS);
        pipe.zadd(keys.clustersByTime(), newest(g), g.id);
      }
      pipe.zremrangebyscore(keys.clustersByTime(), '-inf', now.getTime() - POOL_TTL_SECONDS * 1000);
      await pipe.exec();
    },

    /** Drop groups that a later run merged into another group. */
    async removeClusters(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await redis.multi().del(...ids.map((id) => keys.storyCluster(id))).zrem(keys.clustersByTime(), ...ids).exec();
    },

    /** Ranked, best first, as the pool looked at `until`: only stories published in [since, until] make a cluster eligible. */
    async listClusters(opts: ListOptions): Promise<Cluster[]> {
      const groups = await loadGroups(opts.since.getTime());
      const weights = new Map<string, number>();
      for (const g of groups) for (const [id, w] of Object.entries(g.weights ?? {})) weights.set(id, w);
      const ranked = rankClusters(groups, { now: opts.until, since: opts.since, weights, perSourceCap: opts.perSourceCap });
      return opts.sections ? ranked.filter((c) => opts.sections!.includes(c.section)) : ranked;
    },

    async getMarketSnapshot(): Promise<MarketSnapshot | null> {
      const raw = await redis.get(keys.marketSnapshot());
      if (!raw) return null;
      const parsed = MarketSnapshotSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    },

    async saveMarketSnapshot(snapshot: MarketSnapshot): Promise<void> {
      await redis.set(keys.marketSnapshot(), JSON.stringify(MarketSnapshotSchema.parse(snapshot)), 'EX', POOL_TTL_SECONDS);
    },

    async getSourceHealth(): Promise<Record<string, SourceHealth>> {
      const all = await redis.hgetall(keys.sourceHealth());
      const out: Record<string, SourceHealth> = {};
      for (const [id, raw] of Object.entries(all)) {
        const parsed = SourceHealthSchema.safeParse(JSON.parse(raw));
        if (parsed.success) out[id] = parsed.data;
      }
      return out;
    },

    async setSourceHealth(records: SourceHealth[]): Promise<void> {
      if (records.length === 0) return;
      await redis.hset(keys.sourceHealth(), Object.fromEntries(records.map((r) => [r.sourceId, JSON.stringify(r)])));
    },

    async getValidators(sourceId: string): Promise<FeedValidators> {
      const v = await redis.hgetall(keys.feedCache(sourceId));
      return { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
    },

    async setValidators(sourceId: string, v: FeedValidators): Promise<void> {
      const key = keys.feedCache(sourceId);
      const pipe = redis.multi().del(key);
      const fields = { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
      if (Object.keys(fields).length) pipe.hset(key, fields).expire(key, 7 * 24 * 3600);
      await pipe.exec();
    },

    /**
     * First-seen time of each story, stored the first time it is asked for and never
     * refreshed: an undated story does not look new again on every fetch. Times of
     * stories absent from `ids` are forgotten once older than FIRST_SEEN_TTL_SECONDS.
     */
    async firstSeen(sourceId: string, ids: string[], now: Date): Promise<Map<string, Date>> {
      if (ids.length === 0) return new Map();
      const key = keys.firstSeen(sourceId);
      const known = await redis.hgetall(key);
      const present = new Set(ids);
      const fresh = ids.filter((id) => !(id in known));
      const stale = Object.entries(known).filter(([id, ms]) => !present.has(id) && Number(ms) < now.getTime() - FIRST_SEEN_TTL_SECONDS * 1000);
      const pipe = redis.multi();
      for (const id of fresh) pipe.hsetnx(key, id, String(now.getTime()));
      if (stale.length) pipe.hdel(key, ...stale.map(([id]) => id));
      pipe.hmget(key, ...ids).expire(key, FIRST_SEEN_TTL_SECONDS);
      const replies = await pipe.exec();
      const times = (replies?.[fresh.length + (stale.length ? 1 : 0)]?.[1] ?? []) as (string | null)[];
      return new Map(ids.map((id, i) => [id, new Date(Number(times[i] ?? now.getTime()))]));
    },

    /** One ingest run at a time across processes; returns a token to release, or null if held. */
    async acquireIngestLock(ttlMs: number): Promise<string | null> {
      const token = randomUUID();
      const ok = await redis.set(keys.ingestLock(), token, 'PX', ttlMs, 'NX');
      return ok === 'OK' ? token : null;
    },

    async releaseIngestLock(token: string): Promise<void> {
      await commands(redis).ingestLockRelease([keys.ingestLock()], [token]);
    },
  };
}
