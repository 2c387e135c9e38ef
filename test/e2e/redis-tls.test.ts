// rediss:// against a real redis-server that speaks TLS only and requires client
// certificates: the app's context, a signup stored and read back, and a BullMQ job
// (the confirmation mail) enqueued and processed by a worker from the app's factory, all
// over TLS. A server the app cannot trust, or one that wants a certificate the app lacks,
// stops start-up with a RedisTlsError that says what to fix, instead of hanging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { RedisTlsError, whenConnected } from '../../src/redis-tls.js';
import { testConfig, TEST_SECRET, uniquePrefix } from '../helpers/env.js';
import { startDigest } from '../helpers/process.js';
import { startTlsRedis, type TlsRedis } from '../helpers/redis-tls.js';
import { linkFrom, startStack } from '../helpers/stack.js';

let server: TlsRedis;

beforeAll(async () => {
  server = await startTlsRedis({ clientCerts: true });
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

/** whenConnected's outcome for a context built from `env`, closed after. */
async function connectWith(env: Record<string, string | undefined>): Promise<unknown> {
  const ctx: AppContext = createContext(testConfig({ REDIS_URL: server.url, ...env }), { name: 'tls-test' });
  try {
    return await whenConnected(ctx.redis, 10_000).then(() => 'connected', (err: unknown) => err);
  } finally {
    await ctx.close();
  }
}

describe('Redis over TLS (rediss://, client certificates required)', () => {
  it('signs a reader up and sends the confirmation through the system-mail queue, all over TLS', async () => {
    const prefix = uniquePrefix('tls');
    const stack = await startStack({ REDIS_URL: server.url, ...server.files.env, KEY_PREFIX: prefix, WORKER_QUEUES: 'system-mail' });
    try {
      await whenConnected(stack.ctx.redis, 10_000);
      const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'tls@example.com' }, headers: { accept: 'application/json' } });
      expect(res.statusCode).toBe(202);
      // The confirmation is a BullMQ job on the TLS server, processed by the app's worker.
      const [mail] = await stack.smtp.waitFor(1);
      expect(mail!.envelopeTo).toEqual(['tls@example.com']);
      const path = new URL(linkFrom(mail!.parsed.text!, 'http://localhost:3000/confirm/')).pathname;
      expect((await stack.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);
      expect((await stack.ctx.subscribers.findByEmail('tls@example.com'))?.status).toBe('confirmed');
      // The keys are on the TLS server (it has no plain port: nothing else could have served them).
      const keys = (await server.cli('--scan', '--pattern', `${prefix}:*`)).split('\n').filter(Boolean);
      expect(keys.some((k) => k.includes(':system-mail:'))).toBe(true);
      expect(keys.length).toBeGreaterThan(3);
    } finally {
      await stack.close();
    }
  }, 15_000);

  it('refuses a server whose certificate REDIS_TLS_CA_FILE did not sign, naming the variable', async () => {
    const err = await connectWith({ ...server.files.env, REDIS_TLS_CA_FILE: server.files.otherCa });
    expect(err).toBeInstanceOf(RedisTlsError);
    expect((err as Error).message).toMatch(/REDIS_TLS_CA_FILE must hold the CA/);
  });

  it('refuses a self-signed chain with no CA given: only the system CAs are trusted', async () => {
    const err = await connectWith({ REDIS_TLS_CERT_FILE: server.files.clientCert, REDIS_TLS_KEY_FILE: server.files.clientKey });
    expect(err).toBeInstanceOf(RedisTlsError);
    expect((err as Error).message).toMatch(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('says a client certificate is needed when the server requires one', async () => {
    const err = await connectWith({ REDIS_TLS_CA_FILE: server.files.ca });
    expect(err).toBeInstanceOf(RedisTlsError);
    expect((err as Error).message).toMatch(/REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE/);
  });

  it('checks the name: a certificate for 127.0.0.1 and redis.test does not pass for localhost', async () => {
    const err = await connectWith({ ...server.files.env, REDIS_URL: server.url.replace('127.0.0.1', 'localhost') });
    expect(err).toBeInstanceOf(RedisTlsError);
    expect((err as Error).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('`digest queues` with the wrong CA exits 1 with the reason, within seconds', async () => {
    const run = startDigest(['queues'], {
      REDIS_URL: server.url, ...server.files.env, REDIS_TLS_CA_FILE: server.files.otherCa, KEY_PREFIX: uniquePrefix('tls'), SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent',
    });
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(run.output()).toMatch(/Redis refused the TLS connection: .*REDIS_TLS_CA_FILE/);
  }, 15_000);
});
