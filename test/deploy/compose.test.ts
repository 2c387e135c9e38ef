// No Docker engine here: check the compose file and Dockerfile for the settings that matter.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/config.js';
import { workerNodeOptions } from '../../bench/lib/build.js';

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
};
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** Every file under dir that is not TypeScript (the build copies these). */
const assetFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? assetFiles(join(dir, n)) : n.endsWith('.ts') ? [] : [join(dir, n)]));

describe('docker-compose.yml', () => {
  it('has redis, mailpit, api, scheduler and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'mailpit', 'redis', 'scheduler', 'worker']);
  });

  it('runs Redis with AOF every second, no eviction, a volume and a healthcheck', () => {
    const redis = compose.services.redis!;
    const cmd = redis.command!.join(' ');
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--appendfsync everysec/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('runs Mailpit with SMTP on 1025 and the UI on 8025', () => {
    const ports = compose.services.mailpit!.ports!.join(' ');
    expect(ports).toMatch(/:1025:1025/);
    expect(ports).toMatch(/:8025:8025/);
  });

  it('builds api, scheduler and worker from one image with the right command and valid settings', () => {
    for (const [name, command] of [['api', 'api'], ['scheduler', 'scheduler'], ['worker', 'worker']] as const) {
      const svc = compose.services[name]!;
      expect(svc.build).toBe('.');
      expect(svc.image).toBe('market-digest:local');
      expect(svc.command).toEqual([command]);
      expect(svc.depends_on?.redis?.condition).toBe('service_healthy');
      const env = svc.environment!;
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.SMTP_URL).toContain('smtp://mailpit:1025');
      // The defaults the compose file gives must pass the service's own validation.
      const resolved = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
      );
      const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(resolved).filter(([, v]) => v !== '')));
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    expect(compose.services.api!.ports!.join(' ')).toMatch(/(3000|\$\{PORT:-3000\}):3000/);
    expect(compose.services.api!.healthcheck!.test.join(' ')).toMatch(/healthz/);
  });
});

describe('worker heap settings', () => {
  it('gives the worker V8 heap limits that node accepts in NODE_OPTIONS, and the benchmarks use the same', () => {
    const options = compose.services.worker!.environment!.NODE_OPTIONS!;
    expect(options).toMatch(/--max-semi-space-size=\d+/);
    // A cap far above the worker's live heap (~30-50 MB): it lowers V8's growth factor, not a limit to meet.
    expect(Number(/--max-old-space-size=(\d+)/.exec(options)?.[1])).toBeGreaterThanOrEqual(512);
    for (const flag of options.split(/\s+/)) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]!)).toBe(true);
    expect(workerNodeOptions()).toBe(options);
    // The api keeps V8's defaults (its latency goal was measured with them).
    expect(compose.services.api!.environment!.NODE_OPTIONS).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on Node 24, runs as a non-root user, and starts the digest CLI', () => {
    const froms = dockerfile.match(/^FROM .+$/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/node:24/);
    expect(dockerfile).toMatch(/COPY --from=build/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/digest.js"\]/);
    for (const dir of ['templates', 'config', 'bin']) expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
  });

  it('ships the Lua scripts: the build copies src/**/lua/*.lua next to the compiled modules in dist/src', () => {
    const build = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.build!;
    const copy = /^tsc -p tsconfig\.build\.json && node -e "(.+)"$/.exec(build)?.[1];
    expect(copy, build).toBeDefined();
    expect(dockerfile).toMatch(/^COPY src \.\/src$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
    // Run the build's copy step on a copy of the tree: every script lands where the module's URL finds it.
    const tmp = mkdtempSync(join(tmpdir(), 'digest-build-'));
    try {
      cpSync('src', join(tmp, 'src'), { recursive: true });
      execFileSync(process.execPath, ['-e', copy!], { cwd: tmp });
      const scripts = assetFiles('src');
      expect(scripts.length).toBeGreaterThan(10);
      for (const file of scripts) expect(readFileSync(join(tmp, 'dist', file), 'utf8')).toBe(readFileSync(file, 'utf8'));
      expect(assetFiles(join(tmp, 'dist', 'src')).filter((f) => !f.endsWith('.lua'))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('runtime dependencies', () => {
  it('every package imported by src/ and workers/ is a production dependency (the image installs --omit=dev)', async () => {
    const { builtinModules } = await import('node:module');
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const missing = new Set<string>();
    for (const file of [...walk('src'), ...walk('workers'), 'bin/digest.js']) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\(\s*)'([^'.][^']*)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in pkg.dependencies)) missing.add(`${name} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
