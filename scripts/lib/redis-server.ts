/**
 * Starts a private redis-server on a free loopback port, for the tests and the
 * benchmark. Never the machine's own Redis on 6379: that one belongs to the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisServerHandle {
  url: string;
  port: number;
  /** Process id of the running server (changes after a restart). */
  readonly pid: number;
  /** Stops the server (SIGTERM: with AOF on, it flushes before exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** SIGKILL, as in a crash. */
  kill(): Promise<void>;
  dispose(): Promise<void>;
}

export interface RedisServerOptions {
  /** AOF on, for durability tests. Off by default: nothing on disk. */
  appendonly?: boolean;
  /** AOF fsync policy: 'everysec' (default) may lose about 1 s on a crash; 'always' loses nothing acked. */
  appendfsync?: 'always' | 'everysec';
  /** Pin the server to this CPU with taskset (the benchmark keeps it off the load generator's core). */
  cpu?: number | null;
  /** Listen on this port instead of a free one (a test that starts a node before its Redis). */
  port?: number;
  /** Require this password (requirepass); the handle's url carries it. */
  password?: string;
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = opts.port ?? (await freePort());
  if (port === 6379) throw new Error('refusing port 6379: it belongs to the machine');
  const dir = mkdtempSync(join(tmpdir(), 'board-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--dir', dir,
    '--appendonly', opts.appendonly ? 'yes' : 'no',
    '--appendfsync', opts.appendfsync ?? 'everysec',
    '--logfile', '',
    '--loglevel', 'warning',
    ...(opts.password ? ['--requirepass', opts.password] : []),
  ];
  let child: ChildProcess | null = null;
  const url = opts.password
    ? `redis://:${encodeURIComponent(opts.password)}@127.0.0.1:${port}`
    : `redis://127.0.0.1:${port}`;

  const start = async () => {
    const pinned = opts.cpu !== undefined && opts.cpu !== null;
    const proc = pinned
      ? spawn('taskset', ['-c', String(opts.cpu), 'redis-server', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const spawnError = new Promise<never>((_, reject) => {
      proc.once('error', (err) =>
        reject(new Error(`redis-server could not start (${err.message}); install it: apt-get install -y redis-server`)),
      );
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr}`)));
    });
    await Promise.race([waitForPing(url), spawnError]);
  };

  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });

  await start();
  return {
    url,
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    start,
    stop: () => waitExit('SIGTERM'),
    kill: () => waitExit('SIGKILL'),
    async dispose() {
      await waitExit('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not answer within 10 s`);
      await new Promise((r) => setTimeout(r, 50)); // polling a starting process; no event to await
    } finally {
      client.disconnect();
    }
  }
}
