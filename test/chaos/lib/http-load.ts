// A bounded HTTP load generator for 127.0.0.1: a fixed list of requests, a fixed
// concurrency, keep-alive, per-request latency and status.
import http from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface LoadResult {
  status: number; // 0 = network error
  ms: number;
  body: string;
}

export async function runLoad(baseUrl: string, requests: LoadRequest[], concurrency: number, timeoutMs = 15_000): Promise<LoadResult[]> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const results: LoadResult[] = new Array(requests.length);
  let next = 0;
  const one = (r: LoadRequest) =>
    new Promise<LoadResult>((resolve) => {
      const t0 = performance.now();
      const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
      const req = http.request(
        { host: url.hostname, port: url.port, method: r.method, path: r.path, agent, timeout: timeoutMs, headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...r.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
          res.on('error', () => resolve({ status: 0, ms: performance.now() - t0, body: 'response error' }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, body: e.message }));
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const i = next++;
        results[i] = await one(requests[i]!);
      }
    }),
  );
  agent.destroy();
  return results;
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
