// A local HTTP server for feed and market fixtures (127.0.0.1, ephemeral port).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import zlib from 'node:zlib';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES, path));
}

/** Serve a fixture file with a content type; `gzip` compresses it on the wire. */
export function file(path: string, type: string, opts: { gzip?: boolean; etag?: string } = {}): Handler {
  return (req, res) => {
    if (opts.etag && req.headers['if-none-match'] === opts.etag) {
      res.writeHead(304).end();
      return;
    }
    const body = fixture(path);
    const headers: Record<string, string> = { 'content-type': type };
    if (opts.etag) headers.etag = opts.etag;
    if (opts.gzip) {
      headers['content-encoding'] = 'gzip';
      res.writeHead(200, headers).end(zlib.gzipSync(body));
    } else res.writeHead(200, headers).end(body);
  };
}

export interface FixtureServer {
  url(path: string): string;
  hits: Map<string, number>;
  /** User-Agent of the last request per path. */
  agents: Map<string, string>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Handler>): Promise<FixtureServer> {
  const hits = new Map<string, number>();
  const agents = new Map<string, string>();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const key = routes[req.url ?? ''] ? req.url! : path;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    agents.set(key, String(req.headers['user-agent'] ?? ''));
    const handler = routes[key];
    if (!handler) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    hits,
    agents,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
