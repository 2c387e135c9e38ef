// Real Redis topologies for tests, started with the machine's redis-server on free ports:
// a Cluster (`--cluster-enabled yes` + `redis-cli --cluster create`) and a primary +
// replica + three Sentinels (`redis-server --sentinel`). Each node can be killed, so a
// test can force a failover; `stop()` ends every process and removes the data dirs.
// With `tls`, every node (cluster bus, replication and Sentinels included) speaks TLS only.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './process.js';
import type { TlsFiles } from './redis-tls.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RedisNode {
  port: number;
  child: ChildProcess;
  /** SIGKILL, no AOF flush: the node is gone as in a crash. */
  kill(): Promise<void>;
}

export interface Topology {
  /** Env for `digest` processes (REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME). */
  env: Record<string, string>;
  nodes: RedisNode[];
  /** A redis-cli call against one node (`-c` follows cluster redirects). */
  cli(port: number, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Extra processes to end on exit (chaos registers its own tracker here). */
let track: (child: ChildProcess) => void = () => {};
export function trackTopologyChildren(fn: (child: ChildProcess) => void): void {
  track = fn;
}

/** redis-cli against one node, over TLS when `tls` is given. */
function cliOf(tls?: TlsFiles): Topology['cli'] {
  return async (port, ...args) => {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...(tls?.cliArgs ?? []), ...args], { timeout: 30_000 });
    return stdout.trim();
  };
}

/** Listen on `port`, plain or TLS only (the cluster bus and replication too). */
function listenArgs(port: number, tls?: TlsFiles): string[] {
  return tls ? ['--port', '0', '--tls-port', String(port), ...tls.serverArgs(), '--tls-cluster', 'yes', '--tls-replication', 'yes'] : ['--port', String(port)];
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 55_535 && !taken.has(port) && !taken.has(port + 10_000)) {
      const bus = await freePortIs(port + 10_000);
      if (bus) return port;
    }
  }
}

async function freePortIs(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A tracked redis-server child (a data node, or a Sentinel with its config file). */
function nodeOf(port: number, args: string[]): RedisNode {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  track(child);
  return {
    port,
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function startNode(port: number, dir: string, args: string[], tls?: TlsFiles): RedisNode {
  return nodeOf(port, [...listenArgs(port, tls), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning', ...args]);
}

async function stopAll(nodes: RedisNode[], dirs: string[]): Promise<void> {
  await Promise.allSettled(nodes.map((n) => n.kill()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** `masters` masters (3 at least), each with `replicas` replicas; AOF as in production. */
export async function startCluster(options: { masters?: number; replicas?: number; appendfsync?: 'everysec' | 'always'; tls?: TlsFiles } = {}): Promise<Topology> {
  const { tls } = options;
  const cli = cliOf(tls);
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const nodes: RedisNode[] = [];
  const dirs: string[] = [];
  const taken = new Set<number>();
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      taken.add(port + 10_000);
      const dir = mkdtempSync(join(tmpdir(), 'md-cluster-'));
      dirs.push(dir);
      nodes.push(
        startNode(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000',
          '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'everysec', '--maxmemory-policy', 'noeviction'], tls),
      );
    }
    for (const n of nodes) await waitFor(`cluster node ${n.port}`, async () => (await cli(n.port, 'PING')) === 'PONG', 15_000);
    await run('redis-cli', [...(tls?.cliArgs ?? []), '--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 60_000 });
    for (const n of nodes) {
      await waitFor(`cluster_state:ok on ${n.port}`, async () => (await cli(n.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), 30_000);
    }
    if (replicas > 0) {
      // Replicas must have synced before a failover can promote one.
      await waitFor('replicas in sync', async () => {
        const infos = await Promise.all(nodes.map((n) => cli(n.port, 'INFO', 'replication')));
        return infos.filter((i) => i.includes('role:slave')).every((i) => i.includes('master_link_status:up'));
      }, 30_000);
    }
  } catch (err) {
    await stopAll(nodes, dirs);
    throw err;
  }
  return {
    env: { REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(',') },
    nodes,
    cli,
    stop: () => stopAll(nodes, dirs),
  };
}

/** A Sentinel's listening lines: plain, or TLS only (and TLS towards the data nodes). */
function tlsConf(port: number, tls?: TlsFiles): string[] {
  if (!tls) return [`port ${port}`];
  const args = tls.serverArgs();
  const pairs = args.filter((_, i) => i % 2 === 0).map((flag, i) => `${flag.slice(2)} ${args[2 * i + 1]}`);
  return ['port 0', `tls-port ${port}`, ...pairs, 'tls-replication yes'];
}

export interface SentinelTopology extends Topology {
  name: string;
  /** The port of the current primary, as the Sentinels see it. */
  primaryPort(): Promise<number>;
}

/** A primary, one replica and three Sentinels (quorum 2, down after 1 s). */
export async function startSentinel(options: { appendfsync?: 'everysec' | 'always'; tls?: TlsFiles } = {}): Promise<SentinelTopology> {
  const { tls } = options;
  const cli = cliOf(tls);
  const name = 'mdprimary';
  const nodes: RedisNode[] = [];
  const dirs: string[] = [];
  const sentinelPorts: number[] = [];
  const aof = ['--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'everysec', '--maxmemory-policy', 'noeviction'];
  try {
    const primaryPort = await freePort();
    const replicaPort = await freePort();
    for (const [port, extra] of [[primaryPort, []], [replicaPort, ['--replicaof', '127.0.0.1', String(primaryPort)]]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'md-sentinel-data-'));
      dirs.push(dir);
      nodes.push(startNode(port, dir, [...aof, ...extra], tls));
    }
    for (const n of nodes) await waitFor(`redis ${n.port}`, async () => (await cli(n.port, 'PING')) === 'PONG', 15_000);
    await waitFor('replica in sync', async () => (await cli(replicaPort, 'INFO', 'replication')).includes('master_link_status:up'), 30_000);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      sentinelPorts.push(port);
      const dir = mkdtempSync(join(tmpdir(), 'md-sentinel-'));
      dirs.push(dir);
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [...tlsConf(port, tls), 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`, `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`, `sentinel parallel-syncs ${name} 1`, ''].join('\n'),
      );
      nodes.push(nodeOf(port, [conf, '--sentinel', '--loglevel', 'warning']));
    }
    // Each Sentinel must know the replica and the two other Sentinels before a failover can be agreed.
    for (const port of sentinelPorts) {
      await waitFor(`sentinel ${port} to see its peers`, async () => {
        const master = await cli(port, 'SENTINEL', 'MASTER', name);
        const field = (f: string) => Number(master.split('\n')[master.split('\n').indexOf(f) + 1]);
        return field('num-other-sentinels') >= 2 && field('num-slaves') >= 1;
      }, 30_000);
    }
  } catch (err) {
    await stopAll(nodes, dirs);
    throw err;
  }
  return {
    name,
    env: { REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','), REDIS_SENTINEL_NAME: name },
    nodes,
    cli,
    async primaryPort() {
      const reply = await cli(sentinelPorts[0]!, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name);
      return Number(reply.split('\n')[1]);
    },
    stop: () => stopAll(nodes, dirs),
  };
}
