// TLS towards Redis (rediss://): the certificate material, Node's options from it, what a
// refused handshake means for the operator (and the start-up check that says it), and
// connectors that keep a failed TLS socket's late errors from crashing the process.
import { createRequire } from 'node:module';
import { connect, type ConnectionOptions } from 'node:tls';
import { Cluster, SentinelConnector, type Redis, type RedisOptions } from 'ioredis';

/**
 * TLS towards Redis, as PEM text. Without `ca` the system's CAs decide; the server's name or
 * IP is always checked against its certificate (there is no switch to skip it).
 */
export interface RedisTls {
  /** CA bundle the server's certificate must chain to (REDIS_TLS_CA_FILE). */
  ca?: string;
  /** Client certificate and key, for servers that require them (REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE). */
  cert?: string;
  key?: string;
}

/** Node's TLS options: only what was given, so Node's defaults (system CAs, name check) stay in force. */
export function tlsOptions(tls: RedisTls): ConnectionOptions {
  return { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) };
}

/**
 * Redis refused us at the TLS handshake (certificate not trusted, name not in it, client
 * certificate missing): retrying will not mend it, so start-up stops with this.
 */
export class RedisTlsError extends Error {
  override name = 'RedisTlsError';
}

/** Node's and OpenSSL's codes for a refused handshake. */
const TLS_REFUSED = /^(ERR_TLS_|ERR_SSL_|SELF_SIGNED_CERT_IN_CHAIN$|DEPTH_ZERO_SELF_SIGNED_CERT$|UNABLE_TO_|CERT_)/;

const CLIENT_CERT_HINT = 'the server requires a client certificate: set REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE';

/** The RedisTlsError for `err` when it is a TLS refusal (also inside ioredis's Sentinel and Cluster wrappers). */
export function tlsRefusalOf(err: Error): RedisTlsError | undefined {
  const inner = (err as { lastNodeError?: Error }).lastNodeError ?? err;
  const code = (inner as NodeJS.ErrnoException).code ?? '';
  // Sentinel's "All sentinels are unreachable" carries only the last error's text.
  if (!TLS_REFUSED.test(code) && !/certificate|SSL routines|tlsv1 alert/i.test(inner.message)) return undefined;
  const hint = /CERTIFICATE_REQUIRED|certificate required/i.test(`${code} ${inner.message}`)
    ? CLIENT_CERT_HINT
    : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? "the server's certificate does not name the host or IP connected to"
      : "REDIS_TLS_CA_FILE must hold the CA that signed the server's certificate (without it only the system's CAs are trusted)";
  return new RedisTlsError(`Redis refused the TLS connection: ${inner.message.trim()}${code ? ` (${code})` : ''}; ${hint}`);
}

/**
 * Under TLS 1.3 a server that wants a client certificate says so after the handshake, and the
 * client's first write often meets the reset before the alert is read: a run of resets right
 * after each handshake means the same thing.
 */
export function resetsAfterHandshake(lastError: string): RedisTlsError {
  return new RedisTlsError(`Redis closed every connection right after the TLS handshake (${lastError}); if ${CLIENT_CERT_HINT}`);
}

/**
 * One TLS connection and a PING, to learn why a server refuses us where ioredis only says
 * "Connection is closed" (its Sentinel clients swallow their errors). Undefined: no refusal seen.
 */
export function probeTls(options: ConnectionOptions & { host: string; port: number }, timeoutMs = 5000): Promise<RedisTlsError | undefined> {
  return new Promise((resolve) => {
    const socket = connect(options);
    const done = (result?: RedisTlsError) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(), timeoutMs);
    socket.on('secureConnect', () => socket.write('PING\r\n'));
    socket.on('data', () => done());
    socket.on('error', (err) => done(tlsRefusalOf(err)));
    socket.on('close', () => done());
  });
}

/**
 * Wait for the first connection: resolves when ready, or on an error that may pass (Redis not up
 * yet; ioredis keeps retrying as before); rejects with a RedisTlsError on a TLS refusal, which
 * would otherwise leave every command (BullMQ's blocking ones included) waiting forever.
 */
export function whenConnected(client: Redis | Cluster, timeoutMs = 15_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  const tls = Boolean(client instanceof Cluster ? client.options.redisOptions?.tls : client.options.tls);
  let handshakeDone = false;
  let resets = 0;
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('node error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onConnect = () => void (handshakeDone = true);
    const onError = (err: Error) => {
      const refusal = tlsRefusalOf(err);
      if (refusal) return done(refusal);
      const options = client instanceof Cluster ? undefined : client.options;
      const sentinelTLS = options?.sentinelTLS;
      const sentinel = options?.sentinels?.[0];
      if (sentinelTLS && sentinel && /All sentinels are unreachable/.test(err.message)) {
        // ioredis's Sentinel clients keep the reason to themselves: ask one Sentinel directly.
        client.off('error', onError);
        const { host = '127.0.0.1', port = 26379 } = sentinel;
        void probeTls({ ...sentinelTLS, host, port }).then((why) => done(why && new RedisTlsError(`${why.message} (Sentinel ${host}:${port})`)));
        return;
      }
      const reset = tls && handshakeDone && /ECONNRESET|EPIPE/.test((err as NodeJS.ErrnoException).code ?? '');
      handshakeDone = false;
      if (!reset) return done();
      if (++resets >= 3) done(resetsAfterHandshake(err.message));
    };
    const timer = setTimeout(() => done(), timeoutMs);
    client.on('ready', onReady);
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('node error', onError);
  });
}

type Connect = SentinelConnector['connect'];
type Stream = Awaited<ReturnType<Connect>>;
type ConnectorClass = NonNullable<RedisOptions['Connector']>;
type Connecting = new (options: object) => { connect(...args: Parameters<Connect>): ReturnType<Connect> };

/**
 * ioredis listens for one `error` per socket (`once`); a TLS socket that fails its handshake can
 * emit a second (the server's late alert), which would be thrown as an uncaught exception. These
 * connectors give every socket a listener of its own; ioredis still sees the first error.
 */
function guarded(Base: Connecting): ConnectorClass {
  return class extends Base {
    override async connect(...args: Parameters<Connect>): Promise<Stream> {
      const stream = await super.connect(...args);
      stream.on('error', () => {});
      return stream;
    }
  } as unknown as ConnectorClass;
}

// ioredis exports no StandaloneConnector; its file is CommonJS with a default export.
const { default: StandaloneConnector } = createRequire(import.meta.url)('ioredis/built/connectors/StandaloneConnector.js') as { default: Connecting };

export const GuardedStandaloneConnector = guarded(StandaloneConnector);
export const GuardedSentinelConnector = guarded(SentinelConnector);
