// A redis-server of the suite's own, on a free port, AOF on (appendfsync
// everysec), data in a temp dir, so a scenario can restart it under the system.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/process.js';
import { sleep, track, waitUntil } from './children.js';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** SIGTERM (Redis flushes the AOF and exits), stay down `downMs`, start again on the same port and dir. */
  restart(downMs: number): Promise<{ downMs: number }>;
  /** SIGKILL (a crash: whatever the AOF had not fsynced is lost), stay down `downMs`, start again. */
  crash(downMs: number): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c) => {
      answer += c.toString();
      // While loading the AOF Redis answers -LOADING; only +PONG means ready.
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

export async function startRedisServer(appendfsync: 'everysec' | 'always' = 'everysec'): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'md-chaos-redis-'));
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    child = track(
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', appendfsync, '--dir', dir,
          '--save', '', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'],
        { stdio: 'ignore' },
      ),
    );
    await waitUntil('redis-server to answer PING', () => ping(port), 15_000, 50);
  }

  async function terminate(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await Promise.race([exited, sleep(10_000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async restart(downMs) {
      const t0 = Date.now();
      await terminate();
      await sleep(downMs);
      await launch();
      return { downMs: Date.now() - t0 };
    },
    async crash(downMs) {
      const t0 = Date.now();
      await terminate('SIGKILL');
      await sleep(downMs);
      await launch();
      return { downMs: Date.now() - t0 };
    },
    async stop() {
      await terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
