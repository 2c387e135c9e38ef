// rediss:// with Sentinel and with Cluster, every node TLS only (replication, cluster bus
// and the Sentinels too): a signup stored, its confirmation enqueued and sent by the app's
// worker, the reader confirmed and read back. Sentinel: the app asks the Sentinels over TLS
// (REDIS_SENTINEL_TLS follows rediss://) and reaches the primary over TLS. Cluster: the
// nodes announce 127.0.0.1, which the server certificate names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { RedisTlsError, whenConnected } from '../../src/redis-tls.js';
import { testConfig, uniquePrefix } from '../helpers/env.js';
import { makeTlsFiles, type TlsFiles } from '../helpers/redis-tls.js';
import { startCluster, startSentinel, type Topology } from '../helpers/redis-topologies.js';
import { linkFrom, startStack } from '../helpers/stack.js';

describe.each([
  ['Sentinel (primary, replica, 3 Sentinels)', (tls: TlsFiles) => startSentinel({ tls })],
  ['Cluster (3 masters)', (tls: TlsFiles) => startCluster({ masters: 3, tls })],
] as const)('Redis over TLS: %s', (_name, start) => {
  let files: TlsFiles;
  let topology: Topology;

  beforeAll(async () => {
    files = await makeTlsFiles();
    topology = await start(files);
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
    files?.remove();
  });

  it('signs a reader up and confirms them, the confirmation going through the system-mail queue', async () => {
    const prefix = `{${uniquePrefix('tls')}}`;
    // With Sentinel or Cluster, REDIS_URL gives only the scheme (and credentials, if any).
    const stack = await startStack({ ...topology.env, REDIS_URL: 'rediss://127.0.0.1', ...files.env, KEY_PREFIX: prefix, WORKER_QUEUES: 'system-mail' });
    try {
      await whenConnected(stack.ctx.redis, 10_000);
      const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'tls@example.com' }, headers: { accept: 'application/json' } });
      expect(res.statusCode).toBe(202);
      const [mail] = await stack.smtp.waitFor(1);
      const path = new URL(linkFrom(mail!.parsed.text!, 'http://localhost:3000/confirm/')).pathname;
      expect((await stack.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);
      expect((await stack.ctx.subscribers.findByEmail('tls@example.com'))?.status).toBe('confirmed');
      // redis-cli over TLS finds the keys (`-c` follows the cluster to the slot's master).
      const keys = await Promise.all(topology.nodes.map((n) => topology.cli(n.port, '--scan', '--pattern', `${prefix}:*`).catch(() => '')));
      expect(keys.join('\n')).toContain(`${prefix}:`);
    } finally {
      await stack.close();
    }
  }, 30_000);

  it('stops at start-up with RedisTlsError when REDIS_TLS_CA_FILE did not sign the nodes', async () => {
    const ctx = createContext(testConfig({ ...topology.env, REDIS_URL: 'rediss://127.0.0.1', ...files.env, REDIS_TLS_CA_FILE: files.otherCa, KEY_PREFIX: '{tls}' }), { name: 'tls-test' });
    try {
      const err = await whenConnected(ctx.redis, 10_000).then(() => 'connected', (e: unknown) => e);
      expect(err).toBeInstanceOf(RedisTlsError);
      expect((err as Error).message).toMatch(/REDIS_TLS_CA_FILE must hold the CA/);
    } finally {
      await ctx.close();
    }
  });
});
