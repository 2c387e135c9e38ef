import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEnv } from '../src/config.js';
import { TEST_SECRET } from './helpers/env.js';
import { makeTlsFiles, type TlsFiles } from './helpers/redis-tls.js';

const base = { SECRET_KEY: TEST_SECRET, SOURCES_FILE: 'config/sources.json' };

describe('config', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      KEY_PREFIX: 'md',
      PORT: 3000,
      HOST: '0.0.0.0',
      PUBLIC_URL: 'http://localhost:3000',
      OUTBOX_DIR: './outbox',
      SOURCES_FILE: 'config/sources.json',
      DEFAULT_TIMEZONE: 'UTC',
      DEFAULT_SEND_HOUR: 7,
      SEND_RATE_PER_SEC: 50,
    });
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.ADMIN_PASSWORD).toBeUndefined();
  });

  it('sets the brand once: SITE_NAME, SITE_URL, BRAND_COLOR, LOGO_URL, and what defaults from them', () => {
    const plain = loadConfig(base);
    expect(plain.brand).toEqual({ name: 'Daily Stock Markets News', url: 'http://localhost:3000', color: '#0b3d91', logoUrl: undefined });
    expect(plain.MAIL_FROM).toBe('Daily Stock Markets News <digest@localhost>');
    expect(plain.POSTAL_ADDRESS).toBe('Daily Stock Markets News, 1 Example Street, Example City');
    expect(plain.SUBJECT_PATTERN).toBe('{brand} — {date}: {top headline}');
    const acme = loadConfig({ ...base, SITE_NAME: 'Acme Ticker', SITE_URL: 'https://acme.example/', BRAND_COLOR: '#AA3300', LOGO_URL: 'https://acme.example/logo.png' });
    expect(acme.brand).toEqual({ name: 'Acme Ticker', url: 'https://acme.example', color: '#aa3300', logoUrl: 'https://acme.example/logo.png' });
    expect(acme.MAIL_FROM).toBe('Acme Ticker <digest@localhost>');
    expect(acme.mailDomain).toBe('localhost');
    for (const [variable, value] of [['BRAND_COLOR', 'red'], ['LOGO_URL', 'http://acme.example/logo.png'], ['SITE_NAME', 'Acme "Ticker"'], ['SITE_URL', 'javascript:alert(1)']]) {
      expect(() => loadConfig({ ...base, [variable!]: value })).toThrow(new RegExp(`^${variable}:`));
    }
  });

  it.each([
    [{ SECRET_KEY: undefined }, 'SECRET_KEY', /required/],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY', /32/],
    [{ PORT: 'eighty' }, 'PORT', /number/i],
    [{ DEFAULT_SEND_HOUR: '24' }, 'DEFAULT_SEND_HOUR', /24|less|too big/i],
    [{ DEFAULT_TIMEZONE: 'Mars/Olympus' }, 'DEFAULT_TIMEZONE', /IANA/],
    [{ SMTP_URL: 'http://x' }, 'SMTP_URL', /smtp/],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL', /./],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }, 'KEY_PREFIX', /hash tag.*\{md\}/],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, 'REDIS_CLUSTER_NODES', /host:port/],
    [{ REDIS_SENTINELS: '127.0.0.1:26379' }, 'REDIS_SENTINEL_NAME', /required/],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, 'REDIS_SENTINELS', /required/],
    [{ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:2', KEY_PREFIX: '{md}' }, 'REDIS_CLUSTER_NODES', /Sentinel or Cluster/],
  ])('refuses %o naming the variable', (override, variable, message) => {
    const env: Record<string, string | undefined> = { ...base, ...override };
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(message);
    expect((caught as ConfigError).message.startsWith(`${variable}:`)).toBe(true);
  });

  it('reads the Redis topology: one server, Sentinel (credentials from REDIS_URL), Cluster with a hash tag', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'rediss://u:p%40ss@cache.example:6380/2' }).redis).toEqual({ kind: 'single', url: 'rediss://u:p%40ss@cache.example:6380/2', tls: {} });
    expect(
      loadConfig({ ...base, REDIS_URL: 'redis://:secret@x', REDIS_SENTINELS: '10.0.0.1:26379, [::1]:26380', REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 'sp' }).redis,
    ).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '::1', port: 26380 }],
      name: 'mymaster',
      sentinelPassword: 'sp',
      auth: { password: 'secret' },
    });
    expect(loadConfig({ ...base, KEY_PREFIX: '{md}', REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' }).redis).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }],
      auth: {},
    });
  });

  describe('Redis TLS files (REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE)', () => {
    let files: TlsFiles;
    beforeAll(async () => {
      files = await makeTlsFiles();
    }, 30_000);
    afterAll(() => files?.remove());

    const refusal = (env: Record<string, string>): ConfigError => {
      try {
        loadConfig({ ...base, REDIS_URL: 'rediss://cache.example:6380', ...env });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('loadConfig accepted it');
    };

    it('reads the CA and the client certificate for every topology; the Sentinels follow REDIS_URL unless REDIS_SENTINEL_TLS says otherwise', () => {
      const pem = (f: string) => readFileSync(f, 'utf8');
      const tls = { ca: pem(files.ca), cert: pem(files.clientCert), key: pem(files.clientKey) };
      const env = { ...base, REDIS_URL: 'rediss://:pw@cache.example:6380', ...files.env };
      expect(loadConfig(env).redis).toEqual({ kind: 'single', url: 'rediss://:pw@cache.example:6380', tls });
      expect(loadConfig({ ...env, REDIS_TLS_CERT_FILE: '', REDIS_TLS_KEY_FILE: '' }).redis).toEqual({ kind: 'single', url: 'rediss://:pw@cache.example:6380', tls: { ca: tls.ca } });
      const sentinel = { ...env, REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_NAME: 'm' };
      expect(loadConfig(sentinel).redis).toMatchObject({ kind: 'sentinel', sentinelTls: tls, auth: { password: 'pw', tls } });
      expect(loadConfig({ ...sentinel, REDIS_SENTINEL_TLS: 'false' }).redis).not.toHaveProperty('sentinelTls');
      expect(loadConfig({ ...sentinel, REDIS_URL: 'redis://x', ...Object.fromEntries(Object.keys(files.env).map((k) => [k, ''])), REDIS_SENTINEL_TLS: 'true' }).redis)
        .toMatchObject({ sentinelTls: {}, auth: {} });
      expect(loadConfig({ ...env, KEY_PREFIX: '{md}', REDIS_CLUSTER_NODES: 'n1:7000' }).redis).toMatchObject({ kind: 'cluster', auth: { password: 'pw', tls } });
    });

    it.each([
      ['a CA file that does not exist', () => ({ REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' }), 'REDIS_TLS_CA_FILE', /cannot read \/nonexistent\/ca\.pem: ENOENT/],
      ['a CA file that holds a key', () => ({ REDIS_TLS_CA_FILE: files.clientKey }), 'REDIS_TLS_CA_FILE', /is not a PEM certificate/],
      ['a certificate without its key', () => ({ REDIS_TLS_CERT_FILE: files.clientCert }), 'REDIS_TLS_KEY_FILE', /required with the other/],
      ['a key without its certificate', () => ({ REDIS_TLS_KEY_FILE: files.clientKey }), 'REDIS_TLS_CERT_FILE', /required with the other/],
      ['a key file that does not exist', () => ({ REDIS_TLS_CERT_FILE: files.clientCert, REDIS_TLS_KEY_FILE: '/nonexistent/key.pem' }), 'REDIS_TLS_KEY_FILE', /cannot read/],
      ['another certificate\'s key', () => ({ REDIS_TLS_CERT_FILE: files.clientCert, REDIS_TLS_KEY_FILE: files.serverKey }), 'REDIS_TLS_KEY_FILE', /is not the key of the certificate in REDIS_TLS_CERT_FILE/],
      ['TLS files with redis://', () => ({ REDIS_URL: 'redis://cache.example:6379', REDIS_TLS_CA_FILE: files.ca }), 'REDIS_TLS_CA_FILE', /REDIS_URL is redis:\/\/.*use rediss:\/\//],
      ['REDIS_SENTINEL_TLS without Sentinels', () => ({ REDIS_SENTINEL_TLS: 'true' }), 'REDIS_SENTINEL_TLS', /only with REDIS_SENTINELS/],
    ])('refuses %s, naming the variable', (_what, env, variable, message) => {
      const err = refusal(env());
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.variable).toBe(variable);
      expect(err.message).toMatch(message);
    });
  });

  it('names the bad entry of the sources file', () => {
    expect(() => loadConfig({ ...base, SOURCES_FILE: 'test/fixtures/config/bad-sources.json' })).toThrow(
      /SOURCES_FILE: .*feeds\.1\.topic: topic "sports" is not one of the file's topics: markets, world/,
    );
  });

  it('reads WORKER_QUEUES as a subset of the queue registry', () => {
    expect(parseEnv(base).WORKER_QUEUES).toEqual(['ingest', 'edition', 'fanout', 'send', 'system-mail']);
    expect(parseEnv({ ...base, WORKER_QUEUES: ' send ,send' }).WORKER_QUEUES).toEqual(['send']);
    expect(() => loadConfig({ ...base, WORKER_QUEUES: 'send,mail' })).toThrow(/WORKER_QUEUES/);
  });

  it('freezes the result', () => {
    const config = loadConfig(base);
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.mailDomain).toBe('localhost');
  });
});
