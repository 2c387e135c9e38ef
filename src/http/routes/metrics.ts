// /metrics in Prometheus text format, read from Redis on each scrape.
// No PII in it (counts and source ids only); expose it to the scraper's network only.
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../ops/metrics.js';

export function metricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.render();
    return reply.header('Cache-Control', 'no-store').type(metrics.contentType).send(text);
  });
}
