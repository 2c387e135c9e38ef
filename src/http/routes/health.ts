// /healthz: the process answers. /readyz: Redis answers in time (503 with the
// reason when not), plus warnings such as "jobs waiting but no worker alive".
import type { FastifyInstance } from 'fastify';
import { checkReadiness } from '../../ops/health.js';
import type { OpsPorts } from '../../ops/ports.js';

export function healthRoutes(app: FastifyInstance, ports: Pick<OpsPorts, 'ping' | 'redisMemory' | 'heartbeats' | 'queues'>, options: { timeoutMs?: number } = {}): void {
  app.get('/healthz', async (_req, reply) => reply.header('Cache-Control', 'no-store').send({ status: 'ok' }));
  app.get('/readyz', async (req, reply) => {
    const r = await checkReadiness(ports, options.timeoutMs);
    if (!r.ready) req.log.warn({ event: 'readyz.failed', reason: r.reason }, 'not ready');
    return reply
      .code(r.ready ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send({ status: r.ready ? 'ready' : 'unavailable', ...(r.reason ? { reason: r.reason } : {}), checks: r.checks, warnings: r.warnings });
  });
}
