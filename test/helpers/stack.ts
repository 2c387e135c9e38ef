// The real parts wired as the service wires them, on a fresh key prefix:
// context, HTTP app (inject), workers, and a real SMTP server.
import type { FastifyInstance } from 'fastify';
import { createContext, type AppContext } from '../../src/context.js';
import { createHttpApp } from '../../src/processes/api.js';
import { startWorkers } from '../../src/processes/worker.js';
import { testConfig } from './env.js';
import { dropPrefix, testRedis } from './redis.js';
import { startSmtp, type TestSmtp } from './smtp.js';

export interface Stack {
  ctx: AppContext;
  app: FastifyInstance;
  smtp: TestSmtp;
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  overrides: Record<string, string | undefined> = {},
  options: { workers?: boolean } = {},
): Promise<Stack> {
  const smtp = await startSmtp();
  const config = testConfig({ SMTP_URL: smtp.url, ...overrides });
  const ctx = createContext(config, { name: 'test' });
  const app = await createHttpApp(ctx);
  const workers = options.workers === false ? undefined : await startWorkers(ctx);
  return {
    ctx,
    app,
    smtp,
    stopWorkers: async () => workers?.close(),
    async close() {
      await workers?.close();
      await app.close();
      const redis = testRedis();
      await ctx.close();
      await dropPrefix(redis, config.KEY_PREFIX);
      // BullMQ keys live under the same prefix (prefix:queue:...).
      redis.disconnect();
      await smtp.close();
    },
  };
}

/** The first http(s) link in a text body that starts with `prefix`. */
export function linkFrom(text: string, prefix: string): string {
  const match = text.match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s<>"]+`));
  if (!match) throw new Error(`no link starting with ${prefix} in:\n${text}`);
  return match[0];
}
