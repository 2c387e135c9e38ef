// One client connection joined to a new connection to `target`, byte for byte: what the
// suite's pass-throughs (the partition proxy, the command tap) have in common. `pass` sees
// each chunk on its way and may drop it; either side closing or failing closes both.
import { connect, type Socket } from 'node:net';

export interface BridgeHooks {
  /** Called with each chunk and its direction; false drops it. */
  pass?(chunk: Buffer, toUpstream: boolean): boolean;
  /** Both sockets are closed. */
  ended?(): void;
}

export function bridge(client: Socket, target: { host: string; port: number }, hooks: BridgeHooks = {}): Socket {
  const upstream = connect(target.port, target.host);
  const forward = (from: Socket, to: Socket, toUpstream: boolean) =>
    from.on('data', (chunk: Buffer) => {
      if (hooks.pass?.(chunk, toUpstream) ?? true) to.write(chunk);
    });
  forward(client, upstream, true);
  forward(upstream, client, false);
  let ended = false;
  const end = () => {
    client.destroy();
    upstream.destroy();
    if (!ended) hooks.ended?.();
    ended = true;
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
  return upstream;
}
