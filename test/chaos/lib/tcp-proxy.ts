// A TCP proxy the suite controls, between one process and Redis: `partition(ms)` stops
// every byte in both directions (nothing is refused or reset: the peer just hears
// nothing, as across a real partition), then heals by cutting the stalled connections,
// as TCP would once its retransmissions give up; new connections work again.
import { createServer, connect, type Server, type Socket } from 'node:net';
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
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!blocked) to.write(chunk); // dropped while partitioned, as on the wire
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
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
