// What the signup benchmarks share: the api's environment (a private Redis, limits
// raised so only the code is measured) and starting a process until it listens.
import { freePort, spawnNode, type Child } from './proc.js';

export async function signupApiEnv(redisUrl: string, prefix: string): Promise<Record<string, string>> {
  return {
    REDIS_URL: redisUrl, KEY_PREFIX: prefix, SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789', HOST: '127.0.0.1',
    PORT: String(await freePort()), LOG_LEVEL: 'info', SOURCES_FILE: 'config/sources.json',
    SIGNUP_LIMIT_PER_IP: '1000000', SIGNUP_LIMIT_PER_ADDRESS: '1000',
  };
}

/** Spawn `node args` and wait for its `api.listening` line; the URL on 127.0.0.1. */
export async function serve(args: string[], env: Record<string, string>): Promise<{ child: Child; url: string }> {
  const child = spawnNode(args, env);
  const line = await child.waitFor((l) => l.event === 'api.listening', 'api.listening', 60_000);
  const url = String(line.url).replace('0.0.0.0', '127.0.0.1');
  return { child, url };
}
