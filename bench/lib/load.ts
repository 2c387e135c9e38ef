// autocannon, typed for what the benchmarks use: POST JSON with a distinct address per request.
import { createRequire } from 'node:module';

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  duration: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<LoadResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

let seq = 0;

/** POST /api/subscribe with a new address every request. `rate` caps requests per second overall. */
export function signupLoad(base: string, tag: string, opts: { seconds: number; connections: number; rate?: number }): Promise<LoadResult> {
  return autocannon({
    url: `${base}/api/subscribe`,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: JSON.stringify({ email: `${tag}${(seq += 1)}@example.test`, topics: ['markets', 'world'], timezone: 'Europe/London', sendHour: 7 }),
        }),
      },
    ],
  });
}
