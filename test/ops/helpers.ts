// The real app (buildApp) with only the operators' plugins added, on a fresh
// key prefix, wired the way the composition root should wire them.
import type { FastifyInstance } from 'fastify';
import { createContext, type AppContext } from '../../src/context.js';
import type { Ledger } from '../../src/delivery/ledger.js';
import type { EditionStore } from '../../src/editions/store.js';
import { buildApp } from '../../src/http/build-app.js';
import { opsPlugins, type OpsDeps } from '../../src/http/ops.js';
import type { StoryPool } from '../../src/stories/pool.js';
import { opsDepsFor as wiredOpsDeps } from '../../src/processes/http-plugins.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';

export const ADMIN_PASSWORD = 'correct horse battery';

export interface OpsStack {
  ctx: AppContext;
  app: FastifyInstance;
  deps: OpsDeps;
  editions: EditionStore;
  ledger: Ledger;
  pool: StoryPool;
  close(): Promise<void>;
}

/** The composition root's own wiring (processes/http-plugins.ts), without process metrics. */
export function opsDepsFor(ctx: AppContext, extra: Partial<OpsDeps> = {}): OpsDeps {
  return { ...wiredOpsDeps(ctx), defaultMetrics: false, ...extra };
}

export async function startOps(overrides: Record<string, string | undefined> = {}, extra: Partial<OpsDeps> = {}): Promise<OpsStack> {
  const config = testConfig({ ADMIN_PASSWORD, ...overrides });
  const ctx = createContext(config, { name: 'test-ops', redisRole: 'request' });
  const deps = opsDepsFor(ctx, extra);
  const app = await buildApp({
    log: ctx.log,
    subscriptions: ctx.subscriptions,
    rateLimits: ctx.rateLimits,
    defaults: { timezone: config.DEFAULT_TIMEZONE, sendHour: config.DEFAULT_SEND_HOUR },
    brand: config.brand,
    topics: config.sources.topics,
    allowedOrigins: [],
    plugins: opsPlugins(deps),
  });
  return {
    ctx,
    app,
    deps,
    editions: ctx.editions,
    ledger: ctx.ledger,
    pool: ctx.stories,
    async close() {
      await app.close();
      await ctx.close();
      const redis = testRedis();
      await dropPrefix(redis, config.KEY_PREFIX);
      redis.disconnect();
    },
  };
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const ADMIN = { authorization: basic('admin', ADMIN_PASSWORD) };

/** A stored edition (via the real store) for a slot, moved to `status`. */
export async function seedEdition(
  stack: Pick<OpsStack, 'editions'>,
  slot: Date,
  status: 'building' | 'ready' | 'sending' | 'done' | 'cancelled' = 'building',
  mode: 'scheduled' | 'now' = 'scheduled',
): Promise<string> {
  const { editionIdForSlot } = await import('../../src/editions/model.js');
  const id = editionIdForSlot(slot, mode);
  const at = new Date().toISOString();
  await stack.editions.create({
    id,
    slot: slot.toISOString(),
    mode,
    status: 'building',
    window: { since: new Date(slot.getTime() - 86_400_000).toISOString(), until: slot.toISOString() },
    clusters: [],
    market: null,
    token: 'abcdef0123456789',
    variants: [],
    createdAt: at,
    updatedAt: at,
    statusAt: {},
  });
  const path: Record<string, string[]> = {
    building: [],
    ready: ['ready'],
    sending: ['ready', 'sending'],
    done: ['ready', 'sending', 'done'],
    cancelled: ['cancelled'],
  };
  let from = 'building';
  for (const to of path[status]!) {
    await stack.editions.setStatus(id, from as 'building', to as 'ready', to === 'cancelled' ? 'operator' : undefined);
    from = to;
  }
  return id;
}
