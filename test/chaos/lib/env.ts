// One scenario's world: its own redis-server (or Sentinel set, or Cluster), SMTP child,
// feed server, key prefix and system processes; torn down in `close()` whatever happened.
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { bullConnection, createRedis, type RedisClient, type RedisTopology } from '../../../src/redis.js';
import { queuePrefix } from '../../../src/keys.js';
import { startCluster, startSentinel, trackTopologyChildren, type Topology } from '../../helpers/redis-topologies.js';
import { editionIdForSlot } from '../../../src/editions/model.js';
import { editionJobId } from '../../../src/delivery/schedule.js';
import { createLedger, type EditionReport } from '../../../src/delivery/ledger.js';
import { keyspace } from '../../../src/keys.js';
import { QUEUE } from '../../../src/queues/names.js';
import { enqueueManualIngest } from '../../../src/stories/schedule.js';
import { uniquePrefix } from '../../helpers/env.js';
import { sleep, track, waitUntil } from './children.js';
import { startChaosFeeds, type ChaosFeeds, type FeedOptions } from './feeds.js';
import { createRng, type Rng } from './prng.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startChaosSmtp, type ChaosSmtp } from './smtp.js';
import { ChaosSystem, type SystemOptions } from './system.js';

export interface World {
  rng: Rng;
  prefix: string;
  /** The suite's single redis-server (null on a Sentinel set or a Cluster: see `topology`). */
  redis: RedisServer | null;
  /** The Sentinel set or Cluster the scenario asked for. */
  topology: Topology | null;
  /** The suite's own client (waits through restarts and failovers). */
  client: RedisClient;
  smtp: ChaosSmtp;
  feeds: ChaosFeeds;
  system: ChaosSystem;
  queue(name: (typeof QUEUE)[keyof typeof QUEUE]): Queue;
  /** Enqueue a "send now" edition as `digest edition send --now` does; returns its id. */
  sendNow(): Promise<string>;
  waitFinished(editionId: string, timeoutMs: number): Promise<EditionReport>;
  report(editionId: string): Promise<EditionReport>;
  /** Stories in the pool (an ingest ran). */
  waitStories(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export interface WorldOptions {
  seed: number;
  /** Redis as a primary + replica + 3 Sentinels, or a 3-master Cluster with a replica each (default: one server). */
  redisTopology?: 'sentinel' | 'cluster';
  /** appendfsync of the suite's Redis (default everysec). */
  appendfsync?: 'everysec' | 'always';
  feeds?: FeedOptions;
  system?: Partial<Omit<SystemOptions, 'redisUrl' | 'prefix' | 'smtpUrl' | 'sourcesFile'>>;
}

export async function createWorld(o: WorldOptions): Promise<World> {
  const rng = createRng(o.seed);
  // A hash tag: a cluster needs it, one server does not mind it.
  const prefix = o.redisTopology ? `{${uniquePrefix('chaos')}}` : uniquePrefix('chaos');
  const cleanups: (() => Promise<unknown>)[] = [];
  trackTopologyChildren((child) => void track(child));
  try {
    let redis: RedisServer | null = null;
    let topology: Topology | null = null;
    let target: RedisTopology;
    if (o.redisTopology) {
      const t = o.redisTopology === 'cluster' ? await startCluster({ masters: 3, replicas: 1, ...(o.appendfsync ? { appendfsync: o.appendfsync } : {}) }) : await startSentinel(o.appendfsync ? { appendfsync: o.appendfsync } : {});
      topology = t;
      cleanups.push(() => t.stop());
      const hosts = (list: string) => list.split(',').map((h) => ({ host: '127.0.0.1', port: Number(h.split(':')[1]) }));
      target = t.env.REDIS_CLUSTER_NODES
        ? { kind: 'cluster', nodes: hosts(t.env.REDIS_CLUSTER_NODES), auth: {} }
        : { kind: 'sentinel', sentinels: hosts(t.env.REDIS_SENTINELS!), name: t.env.REDIS_SENTINEL_NAME!, auth: {} };
    } else {
      const r = await startRedisServer(o.appendfsync);
      redis = r;
      cleanups.push(() => r.stop());
      target = { kind: 'single', url: r.url };
    }
    const smtp = await startChaosSmtp(o.seed);
    cleanups.push(() => smtp.stop());
    const feeds = await startChaosFeeds(o.feeds);
    cleanups.push(() => feeds.close());
    const client = createRedis(target, 'worker');
    client.on('error', () => {});
    cleanups.push(async () => client.disconnect());
    const redisEnv = topology ? topology.env : { REDIS_URL: target.kind === 'single' ? target.url : '' };
    const system = new ChaosSystem({ redisEnv, topology: target, prefix, smtpUrl: smtp.url, sourcesFile: feeds.sourcesFile, ...o.system });
    const queueConnection = bullConnection(target);
    if (queueConnection instanceof Cluster) cleanups.push(async () => queueConnection.disconnect());
    cleanups.push(() => system.stop());
    const queues = new Map<string, Queue>();
    cleanups.push(async () => Promise.allSettled([...queues.values()].map((q) => q.close())));
    const keys = keyspace(prefix);
    const ledger = createLedger({ redis: client, keys });
    const world: World = {
      rng,
      prefix,
      redis,
      topology,
      client,
      smtp,
      feeds,
      system,
      queue(name) {
        let q = queues.get(name);
        if (!q) {
          q = new Queue(name, { connection: queueConnection, prefix: queuePrefix(prefix, name, target.kind === 'cluster') });
          q.on('error', () => {});
          queues.set(name, q);
        }
        return q;
      },
      async sendNow() {
        const slot = new Date().toISOString();
        await world.queue(QUEUE.edition).add('edition', { slot, mode: 'now' }, { jobId: editionJobId(slot, 'now') });
        await sleep(1000); // edition ids have one-second resolution: two sends never share one
        return editionIdForSlot(new Date(slot), 'now');
      },
      report: (id) => ledger.report(id),
      async waitFinished(editionId, timeoutMs) {
        return waitUntil(`edition ${editionId} to finish`, async () => {
          const r = await ledger.report(editionId);
          return r.finishedAt ? r : undefined;
        }, timeoutMs, 250).catch(async (err: Error) => {
          throw new Error(`${err.message}: ${JSON.stringify(await ledger.report(editionId))}`);
        });
      },
      async waitStories(timeoutMs = 60_000) {
        const has = async () => (await client.zcard(keys.clustersByTime())) || undefined;
        if (!(await has())) await enqueueManualIngest(world.queue(QUEUE.ingest), new Date());
        return waitUntil('stories in the pool', has, timeoutMs, 250);
      },
      async close() {
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      },
    };
    return world;
  } catch (err) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw err;
  }
}

/** Wait until a queue has nothing waiting, active or delayed. */
export async function waitDrained(q: Queue, timeoutMs: number): Promise<void> {
  await waitUntil(`queue ${q.name} to drain`, async () => {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  }, timeoutMs, 300);
}
