// 8 and 9. Redis fails over while an edition is sending: under Sentinel the primary is
// killed (-9) and a Sentinel promotes the replica; in a Cluster (3 masters, a replica
// each) the master holding the app's hash-tag slot is killed (-9) and its replica takes
// over. Every process must follow, the edition must finish, nobody gets two, and the
// unknowns stay within what can have been in flight.
import { waitUntil } from '../lib/children.js';
import { CONCURRENCY, finishAndCheck, sendingEnv, startSending, waitShareSent } from '../lib/edition-run.js';
import { createWorld, type World } from '../lib/env.js';
import type { Scenario } from '../lib/scenario.js';

const WORKERS = 2;

/** Kill the node that holds the app's keys; returns what was done. */
type Failover = (w: World) => Promise<string>;

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

async function killClusterMaster(w: World): Promise<string> {
  const topology = w.topology!;
  const tag = /\{([^}]+)\}/.exec(w.prefix)![1]!;
  const slot = Number(await topology.cli(topology.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', tag));
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

function failoverScenario(id: number, name: string, redisTopology: 'sentinel' | 'cluster', failover: Failover): Scenario {
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
        const at = await waitShareSent(w, sending, scale, 0.2 + w.rng.next() * 0.4);
        notes.push(`${await failover(w)}, at ${at.sent} sent`);
        const t0 = Date.now();
        const result = await finishAndCheck(w, sending, WORKERS * CONCURRENCY);
        notes.push(`edition done ${((Date.now() - t0) / 1000).toFixed(1)} s after the failover`);
        return { ...result, notes };
      } finally {
        await w.close();
      }
    },
  };
}

export const sentinelFailover = failoverScenario(8, 'Sentinel failover during sending (primary kill -9)', 'sentinel', killSentinelPrimary);
export const clusterFailover = failoverScenario(9, 'Cluster master kill -9 during sending', 'cluster', killClusterMaster);
