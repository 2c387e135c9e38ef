// A TCP proxy the suite controls, between one process and Redis: `partition(ms)` stops
// every byte in both directions (nothing is refused or reset: the peer just hears
// nothing, as across a real partition), then heals by cutting the stalled connections,
// as TCP would once its retransmissions give up; new connections work again.
import { createServer, type Server, type Socket } from 'node:net';
import { bridge } from './bridge.js';
import { freePort } from '../../helpers/process.js';
import { sleep } from './children.js';

export interface TcpProxy {
  port: number;
  url: string;
  partition(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const pairs = new Set<[Socket, Socket]>();
  let blocked = false;
  const server: Server = createServer((client) => {
    // Dropped while partitioned, as on the wire.
    const upstream = bridge(client, target, { pass: () => !blocked, ended: () => void pairs.delete(pair) });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async partition(ms) {
      blocked = true;
      await sleep(ms);
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
      blocked = false;
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
