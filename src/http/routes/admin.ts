// /admin: the overview, one page per edition, and bull-board at /admin/queues,
// all behind one basic-auth hook, and every write behind a same-origin check. Not registered at all without ADMIN_PASSWORD,
// so every /admin URL is then a plain 404.
import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '../../redis.js';
import { z } from 'zod';
import { adminAuthHook } from '../admin-auth.js';
import { registerBullBoard } from '../bull-board.js';
import { sameOriginHook } from '../same-origin.js';
import { editionFunnel } from '../../ops/edition-funnel.js';
import { gatherOverview } from '../../ops/overview.js';
import { editionPage, overviewPage } from '../pages/overview.js';
import type { OpsPorts } from '../../ops/ports.js';
import { sendProblem } from '../errors.js';

export interface AdminOptions {
  password: string;
  readOnly: boolean;
  maxFailures?: number;
  /** Where wrong logins are counted (shared by every api instance). */
  failures: { redis: RedisClient; key: string };
  /** PUBLIC_URL: its origin is ours for the same-origin check of writes. */
  publicUrl?: string;
}

const EditionParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export async function adminRoutes(app: FastifyInstance, ports: OpsPorts, options: AdminOptions): Promise<void> {
  await app.register(async (scope) => {
    // Before the password: a forged write is refused whether or not the browser sends credentials.
    scope.addHook('onRequest', sameOriginHook(options.publicUrl));
    scope.addHook(
      'onRequest',
      adminAuthHook({
        password: options.password,
        redis: options.failures.redis,
        limiterKey: options.failures.key,
        realm: `${app.brand.name} admin`,
        ...(options.maxFailures ? { maxFailures: options.maxFailures } : {}),
      }),
    );
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('Cache-Control', 'no-store');
      return payload;
    });

    scope.get('/admin', async (_req, reply) => {
      const overview = await gatherOverview(ports);
      return reply.type('text/html; charset=utf-8').send(overviewPage(app.brand, overview, { readOnly: options.readOnly }));
    });
    scope.get('/admin/api/overview', async () => gatherOverview(ports));
    scope.get('/admin/editions/:id', async (req, reply) => {
      const { id } = EditionParams.parse(req.params);
      const funnel = await editionFunnel(ports, id);
      if (!funnel) return sendProblem(req, reply, 404, 'not_found', `There is no edition ${id}.`);
      return reply.type('text/html; charset=utf-8').send(editionPage(app.brand, funnel));
    });

    await scope.register(async (board) => registerBullBoard(board, ports.queues, { readOnly: options.readOnly, title: app.brand.name }));
  });
}
