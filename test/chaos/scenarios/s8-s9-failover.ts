// 8 and 9. Redis fails over while an edition is sending: under Sentinel the primary is
// killed (-9) and a Sentinel promotes the replica. In a Cluster (3 masters, a replica each)
// the slot holding the app's hash tag changes hands twice: first gracefully (`CLUSTER
// FAILOVER` on the master's replica: the two swap roles and clients get MOVED), later by a
// crash (the new master is killed -9 and the old one, now its replica, takes over again).
// Every process must follow, the edition must finish, nobody gets two, and the unknowns stay
// within what can have been in flight at each failover.
import { waitUntil } from '../lib/children.js';
import { CONCURRENCY, finishAndCheck, sendingEnv, startSending, waitShareSent } from '../lib/edition-run.js';
import { createWorld, type World } from '../lib/env.js';
import type { Scenario } from '../lib/scenario.js';

const WORKERS = 2;

/** Move the app's keys to another node (gracefully or by a crash); returns what was done. */
type Failover = (w: World) => Promise<string>;

/** A failover and the share of the edition sent (from, to; seeded within) when it strikes. */
interface Step {
  at: [number, number];
  failover: Failover;
}

async function killSentinelPrimary(w: World): Promise<string> {
  const topology = w.topology as import('../../helpers/redis-topologies.js').SentinelTopology;
  const port = await topology.primaryPort();
  await topology.nodes.find((n) => n.port === port)!.kill();
  const t0 = Date.now();
  const promoted = await waitUntil('a Sentinel to promote the replica', async () => {
    const now = await topology.primaryPort().catch(() => port);
    return now !== port ? now : undefined;
  }, 60_000, 100);
  return `primary ${port} killed (-9); replica ${promoted} promoted after ${Date.now() - t0} ms`;
}

/** Port of the master serving `slot`, as `fromPort` sees the cluster. */
async function slotOwner(w: World, fromPort: number, slot: number): Promise<number | undefined> {
  const line = (await w.topology!.cli(fromPort, 'CLUSTER', 'NODES'))
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[2]!.includes('master') && !f[2]!.includes('fail') && f.slice(8).some((range) => {
      const [a, b] = range.split('-').map(Number);
      return slot >= a! && slot <= (b ?? a!);
    }));
  return line ? Number(line[1]!.split(':')[1]!.split('@')[0]) : undefined;
}

/** The slot of the app's hash tag. */
async function appSlot(w: World): Promise<number> {
  const tag = /\{([^}]+)\}/.exec(w.prefix)![1]!;
  return Number(await w.topology!.cli(w.topology!.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', tag));
}

/** `CLUSTER NODES` of a live node as [id, port, flags, master id] rows. */
async function clusterNodes(w: World, fromPort: number): Promise<{ id: string; port: number; flags: string; masterId: string }[]> {
  return (await w.topology!.cli(fromPort, 'CLUSTER', 'NODES'))
    .split('\n')
    .map((l) => l.split(' '))
    .map((f) => ({ id: f[0]!, port: Number(f[1]!.split(':')[1]!.split('@')[0]), flags: f[2]!, masterId: f[3]! }));
}

/**
 * The graceful path: `CLUSTER FAILOVER` on the replica of the app slot's master. The master
 * stops taking writes, the replica catches up and takes the slot, the old master becomes its
 * replica; clients get MOVED. Waits until the old master replicates from the new one again.
 */
async function clusterManualFailover(w: World): Promise<string> {
  const topology = w.topology!;
  const slot = await appSlot(w);
  const from = topology.nodes[0]!.port;
  const master = (await slotOwner(w, from, slot))!;
  const nodes = await clusterNodes(w, master);
  const masterId = nodes.find((n) => n.port === master)!.id;
  const replica = nodes.find((n) => n.flags.includes('slave') && n.masterId === masterId)!.port;
  const t0 = Date.now();
  const reply = await topology.cli(replica, 'CLUSTER', 'FAILOVER');
  if (reply !== 'OK') throw new Error(`CLUSTER FAILOVER on ${replica}: ${reply}`);
  await waitUntil(`replica ${replica} to serve slot ${slot}`, async () => (await slotOwner(w, master, slot).catch(() => undefined)) === replica || undefined, 30_000, 50);
  const swapped = Date.now() - t0;
  await waitUntil(`old master ${master} to replicate from ${replica}`, async () => {
    const info = await topology.cli(master, 'INFO', 'replication');
    return (info.includes('role:slave') && info.includes(`master_port:${replica}`) && info.includes('master_link_status:up')) || undefined;
  }, 30_000, 50);
  return `CLUSTER FAILOVER on replica ${replica}: it serves slot ${slot} (the app's keys) after ${swapped} ms, old master ${master} its replica after ${Date.now() - t0} ms`;
}

async function killClusterMaster(w: World): Promise<string> {
  const topology = w.topology!;
  const slot = await appSlot(w);
  const port = (await slotOwner(w, topology.nodes[0]!.port, slot))!;
  await topology.nodes.find((n) => n.port === port)!.kill();
  const t0 = Date.now();
  const alive = topology.nodes.find((n) => n.port !== port)!.port;
  const promoted = await waitUntil('a replica to take the slot over', async () => {
    const owner = await slotOwner(w, alive, slot).catch(() => undefined);
    return owner !== undefined && owner !== port ? owner : undefined;
  }, 60_000, 100);
  return `master ${port} (slot ${slot}, the app's keys) killed (-9); replica ${promoted} serves it after ${Date.now() - t0} ms`;
}

function failoverScenario(id: number, name: string, redisTopology: 'sentinel' | 'cluster', steps: Step[]): Scenario {
  return {
    id,
    name,
    async run(seed, scale) {
      // WAIT 1: claims and outcomes reach the replica before the send goes on (the default under Sentinel).
      const w = await createWorld({ seed, redisTopology, system: { env: sendingEnv(scale, 5, { REDIS_WAIT_REPLICAS: '1' }) } });
      const notes: string[] = [];
      try {
        await w.system.start({ api: true, workers: WORKERS });
        const sending = await startSending(w, scale);
        for (const { at: [from, to], failover } of steps) {
          const at = await waitShareSent(w, sending, scale, from + w.rng.next() * (to - from));
          if (at.finishedAt) throw new Error(`the edition finished (${at.sent} sent) before the failover at ${Math.round(from * 100)}-${Math.round(to * 100)}%: slow the rate`);
          notes.push(`${await failover(w)}, at ${at.sent} sent`);
        }
        const t0 = Date.now();
        // Each failover can leave what was in flight at that moment unknown.
        const result = await finishAndCheck(w, sending, steps.length * WORKERS * CONCURRENCY);
        notes.push(`edition done ${((Date.now() - t0) / 1000).toFixed(1)} s after the last failover`);
        return { ...result, notes };
      } finally {
        await w.close();
      }
    },
  };
}

export const sentinelFailover = failoverScenario(8, 'Sentinel failover during sending (primary kill -9)', 'sentinel', [{ at: [0.2, 0.6], failover: killSentinelPrimary }]);
export const clusterFailover = failoverScenario(9, 'Cluster: CLUSTER FAILOVER, then the new master kill -9, during sending', 'cluster', [
  { at: [0.15, 0.35], failover: clusterManualFailover },
  { at: [0.55, 0.75], failover: killClusterMaster },
]);
