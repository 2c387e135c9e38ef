// The operators' HTTP surface as app plugins, for the composition root to add:
// /healthz, /readyz, /metrics always; /admin (overview, bull-board) only with a password.
import type { FastifyInstance } from 'fastify';
import { adminRoutes, type AdminOptions } from './routes/admin.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { createMetrics } from '../ops/metrics.js';
import type { OpsPorts } from '../ops/ports.js';

export interface OpsDeps extends OpsPorts {
  admin: {
    /** ADMIN_PASSWORD; undefined = no /admin routes at all. */
    password: string | undefined;
    /** ADMIN_READ_ONLY: bull-board refuses every write (HTTP 405). */
    readOnly: boolean;
    /** Wrong logins per IP per 15 minutes before 429 (default 10). */
    maxFailures?: number;
    /** Where wrong logins are counted (Redis, so the limit holds across api instances). */
    failures: AdminOptions['failures'];
    /** PUBLIC_URL, whose origin the same-origin check of writes accepts. */
    publicUrl?: string;
  };
  /** Process metrics (CPU, memory, event loop) of the api process; default true. */
  defaultMetrics?: boolean;
}

export function opsPlugins(deps: OpsDeps): ((app: FastifyInstance) => Promise<void>)[] {
  const metrics = createMetrics(deps, { defaultMetrics: deps.defaultMetrics ?? true });
  const plugins: ((app: FastifyInstance) => Promise<void>)[] = [
    async (app) => healthRoutes(app, deps),
    async (app) => metricsRoutes(app, metrics),
  ];
  const { password, ...rest } = deps.admin;
  if (password) plugins.push((app) => adminRoutes(app, deps, { password, ...rest }));
  return plugins;
}
