// TLS for test Redis servers: a throwaway CA, a server certificate for 127.0.0.1, a client
// certificate, and a second CA that signed none of them, made with `openssl` in a temp dir
// (never committed); and a redis-server that speaks TLS only (`--port 0 --tls-port P`).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './process.js';

const run = promisify(execFile);

export interface TlsFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting only it must refuse the server. */
  otherCa: string;
  /** Env for the app: REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE. */
  env: Record<string, string>;
  /** Arguments for redis-server (data node or Sentinel) and redis-cli. */
  serverArgs(options?: { clientCerts?: boolean }): string[];
  cliArgs: string[];
  remove(): void;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir, timeout: 30_000 });
}

/** EC keys (fast to make); the server certificate names 127.0.0.1 and redis.test, not localhost. */
export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'md-redis-tls-'));
  const key = (name: string) => openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const ca = async (name: string) => {
    await key(name);
    await openssl(dir, 'req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`);
  };
  const signed = async (name: string, ext: string) => {
    await key(name);
    await openssl(dir, 'req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    await openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  };
  await ca('ca');
  await Promise.all([
    ca('other-ca'),
    signed('server', 'subjectAltName=IP:127.0.0.1,DNS:redis.test\nextendedKeyUsage=serverAuth,clientAuth'),
    signed('client', 'extendedKeyUsage=clientAuth'),
  ]);
  const p = (f: string) => join(dir, f);
  return {
    dir,
    ca: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    otherCa: p('other-ca.crt'),
    env: { REDIS_TLS_CA_FILE: p('ca.crt'), REDIS_TLS_CERT_FILE: p('client.crt'), REDIS_TLS_KEY_FILE: p('client.key') },
    // The server certificate doubles as the client certificate nodes present to each other (replication, cluster bus).
    serverArgs: (options = {}) => ['--tls-cert-file', p('server.crt'), '--tls-key-file', p('server.key'), '--tls-ca-cert-file', p('ca.crt'),
      '--tls-auth-clients', options.clientCerts ? 'yes' : 'no'],
    cliArgs: ['--tls', '--cacert', p('ca.crt'), '--cert', p('client.crt'), '--key', p('client.key')],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsRedis {
  port: number;
  /** rediss://127.0.0.1:port */
  url: string;
  files: TlsFiles;
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** One redis-server with TLS only (no plain port); `clientCerts`: clients must present a certificate. */
export async function startTlsRedis(options: { clientCerts?: boolean } = {}): Promise<TlsRedis> {
  const files = await makeTlsFiles();
  const port = await freePort();
  const child = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', files.dir, '--save', '', '--appendonly', 'no',
    '--loglevel', 'warning', ...files.serverArgs(options)], { stdio: 'ignore' });
  const cli = async (...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...files.cliArgs, ...args], { timeout: 10_000 })).stdout.trim();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    files.remove();
  };
  for (const until = Date.now() + 10_000; ; ) {
    if ((await cli('PING').catch(() => '')) === 'PONG') break;
    if (Date.now() > until || child.exitCode !== null) {
      await stop();
      throw new Error(`redis-server with TLS on ${port} did not answer PING`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: `rediss://127.0.0.1:${port}`, files, cli, stop };
}
