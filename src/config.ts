// The only module that reads process.env. Everything else receives a Config.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Brand } from './brand.js';
import { isProxyEntry, type TrustProxy } from './http/trust-proxy.js';
import { ALL_QUEUES, type QueueName } from './queues/names.js';
import { SourcesFileSchema, type SourcesFile } from './stories/sources-schema.js';
import { isTimeZone } from './subscribers/schemas.js';
import { authOf, parseHostPorts, type RedisTopology, type ReplicaWait } from './redis.js';
import type { RedisTls } from './redis-tls.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every variable the service reads, with its default. Documented in the README. */
export const EnvSchema = z.object({
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  /** Sentinel: `host:port,…` of the Sentinels; with REDIS_SENTINEL_NAME. REDIS_URL then gives only credentials and TLS. */
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only').optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /** PEM CA bundle the Redis servers' certificates must chain to (rediss://); default: the system's CAs. */
  REDIS_TLS_CA_FILE: z.string().optional(),
  /** PEM client certificate and key for Redis servers that require them (`tls-auth-clients yes`); both or neither. */
  REDIS_TLS_CERT_FILE: z.string().optional(),
  REDIS_TLS_KEY_FILE: z.string().optional(),
  /** The Sentinels speak TLS too (same CA and client certificate); default: as REDIS_URL's scheme. */
  REDIS_SENTINEL_TLS: bool.optional(),
  /** Cluster: `host:port,…` seed nodes. KEY_PREFIX must carry a hash tag. REDIS_URL then gives only credentials and TLS. */
  REDIS_CLUSTER_NODES: z.string().optional(),
  /**
   * Replicas each ledger claim and outcome must reach (Redis WAIT, 100 ms at most) before a send
   * goes on; default 1 with Sentinel (which implies a replica), 0 otherwise.
   */
  REDIS_WAIT_REPLICAS: int(0, 10).optional(),
  KEY_PREFIX: z
    .string()
    .default('md')
    .refine((v) => /^[A-Za-z0-9_{}.-]{1,64}$/.test(v), 'letters, digits, _ . - { } only (1-64 chars)'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** `false`, a number of proxy hops (`true` = 1) or proxy addresses/CIDRs; the client is the right-most untrusted address. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): TrustProxy => {
      const s = v.trim().toLowerCase();
      if (s === 'false' || s === 'no' || s === '0') return false;
      if (s === 'true' || s === 'yes') return 1;
      if (/^\d{1,2}$/.test(s)) return Number(s);
      const list = s.split(',').map((e) => e.trim()).filter(Boolean);
      const bad = list.find((e) => !isProxyEntry(e));
      if (list.length === 0 || bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `must be false, a number of proxy hops, or proxy addresses/CIDRs separated by commas${bad ? ` ("${bad}" is neither)` : ''}` });
        return z.NEVER;
      }
      return list;
    }),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://localhost:3000')
    .transform((v) => v.replace(/\/+$/, '')),
  /** The product's name on every page and mail, the List-Id comment and the archive feed. */
  SITE_NAME: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .refine((v) => !/[\r\n<>"\\]/.test(v), 'one line without < > " or \\')
    .default('Daily Stock Markets News'),
  /** The product's home page (the name links there); PUBLIC_URL when unset. */
  SITE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((v) => v?.replace(/\/+$/, '')),
  /** Header band and button colour of pages and mails. */
  BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #0b3d91').default('#0b3d91'),
  /** Optional logo (https) beside the name in pages and mails. */
  LOGO_URL: z.url({ protocol: /^https$/ }).optional(),
  SECRET_KEY: z
    .string({ error: 'is required (at least 32 characters)' })
    .min(32, 'must be at least 32 characters'),
  SMTP_URL: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://'),
  OUTBOX_DIR: z.string().min(1).default('./outbox'),
  /** Default: SITE_NAME <digest@localhost>. */
  MAIL_FROM: z.string().min(3).optional(),
  SOURCES_FILE: z.string().min(1).default('config/sources.json'),
  ADMIN_PASSWORD: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || v.length >= 8, 'must be at least 8 characters'),
  ADMIN_READ_ONLY: bool.default(false),
  DEFAULT_TIMEZONE: z.string().default('UTC').refine(isTimeZone, 'is not an IANA time zone'),
  DEFAULT_SEND_HOUR: int(0, 23).default(7),
  SEND_RATE_PER_SEC: int(1, 100_000).default(50),
  SEND_CONCURRENCY: int(1, 1000).default(10),
  SEND_PAGE_SIZE: int(1, 1000).default(100),
  /** A scheduled edition may start sending this long before its slot, by Redis's clock (0: never before it). */
  SEND_LEAD_SEC: int(0, 3 * 3600).default(0),
  SMTP_POOL_SIZE: int(1, 100).default(5),
  /** Send/fan-out job lock: a worker killed mid-job holds its jobs this long before another worker takes them over. */
  JOB_LOCK_SEC: int(5, 600).default(30),
  /** How long the send queue pauses (every worker) when the relay refuses connections or answers 421. */
  SMTP_OUTAGE_PAUSE_SEC: int(1, 3600).default(30),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /**
   * Queues a `digest worker` process serves (comma-separated; default all). `send` alone makes
   * a send-only process that never loads MJML or the feed parser (smaller RSS).
   */
  WORKER_QUEUES: z
    .string()
    .default(ALL_QUEUES.join(','))
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
    .refine((list) => list.length > 0 && list.every((q) => (ALL_QUEUES as readonly string[]).includes(q)), `must be a comma-separated subset of ${ALL_QUEUES.join(',')}`)
    .transform((list) => list as QueueName[]),
  PENDING_TTL_DAYS: int(1, 365).default(7),
  SIGNUP_LIMIT_PER_IP: int(1, 1_000_000).default(20),
  SIGNUP_LIMIT_WINDOW_SEC: int(1, 86_400).default(3600),
  SIGNUP_LIMIT_PER_ADDRESS: int(1, 1000).default(5),
  INGEST_EVERY_MINUTES: int(1, 1440).default(15),
  FRESHNESS_HOURS: int(1, 48).default(3),
  EDITION_WINDOW_HOURS: int(1, 168).default(24),
  SKIP_EMPTY_EDITIONS: bool.default(true),
  SUBJECT_PATTERN: z.string().min(1).default('{brand} — {date}: {top headline}'),
  /** Default: SITE_NAME, 1 Example Street, Example City. */
  POSTAL_ADDRESS: z.string().optional(),
  LIST_ID: z.string().default(''),
  FEEDBACK_ID_SENDER: z.string().regex(/^[A-Za-z0-9]{5,15}$/, '5-15 letters or digits').default('mddigest'),
  /** Shared secret for POST /webhooks/bounces (Basic auth password or X-Webhook-Secret); unset = webhooks off. */
  WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Omit<Env, 'MAIL_FROM' | 'POSTAL_ADDRESS' | 'SITE_URL'> {
  readonly MAIL_FROM: string;
  readonly POSTAL_ADDRESS: string;
  readonly SITE_URL: string;
  readonly brand: Brand;
  /** Where Redis is: one server, Sentinel or Cluster (from REDIS_URL / REDIS_SENTINELS / REDIS_CLUSTER_NODES). */
  readonly redis: RedisTopology;
  /** Domain of MAIL_FROM, used for Message-ID and List-Id. */
  readonly mailDomain: string;
  readonly sources: SourcesFile;
  readonly dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** Never echoed back in an error message. */
const SECRETS = new Set(['SECRET_KEY', 'ADMIN_PASSWORD', 'SMTP_URL', 'REDIS_URL', 'REDIS_SENTINEL_PASSWORD', 'WEBHOOK_SECRET']);

function firstIssue(error: z.ZodError, given: Record<string, string>): ConfigError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  if (given[variable] === undefined && issue.code === 'invalid_type') return new ConfigError(variable, 'is required');
  if (SECRETS.has(variable)) return new ConfigError(variable, issue.message);
  return new ConfigError(variable, `${issue.message} (got "${String(given[variable]).slice(0, 60)}")`);
}

export function parseEnv(env: NodeJS.ProcessEnv): Env {
  // Treat empty strings as unset so `FOO=` in a compose file means "default".
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') cleaned[key] = v;
  }
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) throw firstIssue(parsed.error, cleaned);
  return parsed.data;
}

export function loadSourcesFile(path: string): SourcesFile {
  let raw: string;
  try {
    raw = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError('SOURCES_FILE', `cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError('SOURCES_FILE', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = SourcesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError('SOURCES_FILE', `${path} entry ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

function readPem(variable: string, path: string, what: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(variable, `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    if (what === 'CERTIFICATE') new X509Certificate(pem);
    else createPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(variable, `${path} is not a PEM ${what.toLowerCase()}: ${(err as Error).message}`);
  }
  return pem;
}

/**
 * TLS material for rediss:// (REDIS_TLS_*_FILE), read and checked now so a missing file or a
 * key that does not match its certificate stops start-up instead of every connection.
 */
export function redisTlsOf(env: Env): RedisTls {
  const given = (['REDIS_TLS_CA_FILE', 'REDIS_TLS_CERT_FILE', 'REDIS_TLS_KEY_FILE'] as const).find((v) => env[v]);
  if (!given) return {};
  if (!env.REDIS_URL.startsWith('rediss://')) throw new ConfigError(given, 'is set but REDIS_URL is redis:// (plain TCP); use rediss:// to turn TLS on');
  if (Boolean(env.REDIS_TLS_CERT_FILE) !== Boolean(env.REDIS_TLS_KEY_FILE)) {
    throw new ConfigError(env.REDIS_TLS_CERT_FILE ? 'REDIS_TLS_KEY_FILE' : 'REDIS_TLS_CERT_FILE', 'is required with the other (a client certificate needs its key)');
  }
  const tls: RedisTls = {};
  if (env.REDIS_TLS_CA_FILE) tls.ca = readPem('REDIS_TLS_CA_FILE', env.REDIS_TLS_CA_FILE, 'CERTIFICATE');
  if (env.REDIS_TLS_CERT_FILE && env.REDIS_TLS_KEY_FILE) {
    tls.cert = readPem('REDIS_TLS_CERT_FILE', env.REDIS_TLS_CERT_FILE, 'CERTIFICATE');
    tls.key = readPem('REDIS_TLS_KEY_FILE', env.REDIS_TLS_KEY_FILE, 'PRIVATE KEY');
    if (!new X509Certificate(tls.cert).checkPrivateKey(createPrivateKey(tls.key))) {
      throw new ConfigError('REDIS_TLS_KEY_FILE', `${env.REDIS_TLS_KEY_FILE} is not the key of the certificate in REDIS_TLS_CERT_FILE`);
    }
  }
  return tls;
}

/** Which Redis to use; refuses a cluster whose keys could not share one slot per multi-key operation. */
export function redisTopologyOf(env: Env): RedisTopology {
  const tls = redisTlsOf(env);
  const auth = authOf(env.REDIS_URL, tls);
  if (env.REDIS_SENTINELS && env.REDIS_CLUSTER_NODES) {
    throw new ConfigError('REDIS_CLUSTER_NODES', 'cannot be set together with REDIS_SENTINELS (choose Sentinel or Cluster)');
  }
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = parseHostPorts(env.REDIS_CLUSTER_NODES);
    if (!nodes) throw new ConfigError('REDIS_CLUSTER_NODES', `must be host:port,host:port (got "${env.REDIS_CLUSTER_NODES.slice(0, 60)}")`);
    // Every Lua script and MULTI touches several keys; in a cluster they must hash to one slot.
    if (!/\{[^{}]+\}/.test(env.KEY_PREFIX)) {
      throw new ConfigError('KEY_PREFIX', `must carry a hash tag when REDIS_CLUSTER_NODES is set, e.g. "{${env.KEY_PREFIX.replace(/[{}]/g, '')}}" (got "${env.KEY_PREFIX}")`);
    }
    return { kind: 'cluster', nodes, auth };
  }
  if (env.REDIS_SENTINELS) {
    const sentinels = parseHostPorts(env.REDIS_SENTINELS);
    if (!sentinels) throw new ConfigError('REDIS_SENTINELS', `must be host:port,host:port (got "${env.REDIS_SENTINELS.slice(0, 60)}")`);
    if (!env.REDIS_SENTINEL_NAME) throw new ConfigError('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS (the master name the Sentinels monitor)');
    const sentinelTls = env.REDIS_SENTINEL_TLS ?? auth.tls !== undefined;
    return {
      kind: 'sentinel',
      sentinels,
      name: env.REDIS_SENTINEL_NAME,
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
      ...(sentinelTls ? { sentinelTls: tls } : {}),
      auth,
    };
  }
  if (env.REDIS_SENTINEL_NAME) throw new ConfigError('REDIS_SENTINELS', 'is required with REDIS_SENTINEL_NAME');
  if (env.REDIS_SENTINEL_TLS !== undefined) throw new ConfigError('REDIS_SENTINEL_TLS', 'applies only with REDIS_SENTINELS');
  return { kind: 'single', url: env.REDIS_URL, ...(auth.tls ? { tls: auth.tls } : {}) };
}

/** WAIT after ledger writes of a send: REDIS_WAIT_REPLICAS, else 1 under Sentinel. */
export function replicaWaitOf(config: Pick<Config, 'REDIS_WAIT_REPLICAS' | 'redis'>): ReplicaWait | undefined {
  const replicas = config.REDIS_WAIT_REPLICAS ?? (config.redis.kind === 'sentinel' ? 1 : 0);
  return replicas > 0 ? { replicas, timeoutMs: 100 } : undefined;
}

function mailDomainOf(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  if (!m) throw new ConfigError('MAIL_FROM', 'must contain an address such as "Name <digest@example.com>"');
  return m[1]!.toLowerCase();
}

/** Parse and freeze the whole configuration; throws ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseEnv(env);
  const MAIL_FROM = parsed.MAIL_FROM ?? `${parsed.SITE_NAME} <digest@localhost>`;
  const POSTAL_ADDRESS = parsed.POSTAL_ADDRESS ?? `${parsed.SITE_NAME}, 1 Example Street, Example City`;
  const SITE_URL = parsed.SITE_URL ?? parsed.PUBLIC_URL;
  const brand: Brand = { name: parsed.SITE_NAME, url: SITE_URL, color: parsed.BRAND_COLOR.toLowerCase(), logoUrl: parsed.LOGO_URL };
  const mailDomain = mailDomainOf(MAIL_FROM);
  let dkim: Config['dkim'];
  const dkimVars = [parsed.DKIM_DOMAIN, parsed.DKIM_SELECTOR, parsed.DKIM_PRIVATE_KEY_FILE];
  if (dkimVars.some(Boolean)) {
    if (!parsed.DKIM_DOMAIN) throw new ConfigError('DKIM_DOMAIN', 'is required when DKIM is configured');
    if (!parsed.DKIM_SELECTOR) throw new ConfigError('DKIM_SELECTOR', 'is required when DKIM is configured');
    if (!parsed.DKIM_PRIVATE_KEY_FILE) {
      throw new ConfigError('DKIM_PRIVATE_KEY_FILE', 'is required when DKIM is configured');
    }
    let privateKey: string;
    try {
      privateKey = readFileSync(parsed.DKIM_PRIVATE_KEY_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError('DKIM_PRIVATE_KEY_FILE', `cannot read: ${(err as Error).message}`);
    }
    if (!privateKey.includes('PRIVATE KEY')) throw new ConfigError('DKIM_PRIVATE_KEY_FILE', 'is not a PEM private key');
    dkim = { domainName: parsed.DKIM_DOMAIN, keySelector: parsed.DKIM_SELECTOR, privateKey };
  }
  const redis = redisTopologyOf(parsed);
  const sources = loadSourcesFile(parsed.SOURCES_FILE);
  return Object.freeze({ ...parsed, redis, MAIL_FROM, POSTAL_ADDRESS, SITE_URL, brand, mailDomain, sources, ...(dkim ? { dkim } : {}) });
}
