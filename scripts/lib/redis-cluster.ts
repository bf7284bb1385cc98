/**
 * Starts a private Redis Cluster (masters only, no replicas) from redis-server
 * processes on free loopback ports, for the tests and the benchmark:
 * `redis-cli --cluster create`, then waits until every node says cluster_state:ok.
 * Never the machine's own Redis on 6379.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

/** How long a starting cluster may take to agree on its slots (ms); 3 local masters take well under 2 s. */
const CLUSTER_READY_MS = 20_000;

export interface RedisClusterHandle {
  /** Seeds as REDIS_CLUSTER_NODES takes them: "127.0.0.1:7001,127.0.0.1:7002,...". */
  nodes: string;
  ports: number[];
  dispose(): Promise<void>;
}

export async function startRedisCluster(opts: { masters?: number } = {}): Promise<RedisClusterHandle> {
  const masters = opts.masters ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'board-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < masters) {
    const port = await freePort();
    // Cluster nodes also listen on port + 10000 (the cluster bus): keep both free of clashes.
    if (port !== 6379 && port + 10_000 <= 65_535 && !ports.includes(port)) ports.push(port);
  }
  const children: ChildProcess[] = [];
  const dispose = async () => {
    await Promise.all(
      children.map(
        (proc) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const proc = spawn(
        'redis-server',
        [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '5000',
          '--save', '',
          '--appendonly', 'no',
          '--dir', dir,
          '--logfile', '',
          '--loglevel', 'warning',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      proc.once('error', () => undefined);
      children.push(proc);
    }
    await Promise.all(ports.map((port) => waitFor(port, async (c) => (await c.ping()) === 'PONG')));
    await run('redis-cli', [
      '--cluster', 'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas', '0',
      '--cluster-yes',
    ]);
    await Promise.all(ports.map((port) => waitFor(port, async (c) => String(await c.cluster('INFO')).includes('cluster_state:ok'))));
  } catch (err) {
    await dispose();
    throw err;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, dispose };
}

/** Polls one node until `ok` holds (a starting process and a gossiping cluster send no event to await). */
async function waitFor(port: number, ok: (c: Redis) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_MS;
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  try {
    for (;;) {
      try {
        if (client.status === 'wait') await client.connect();
        if (await ok(client)) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`Redis Cluster node on port ${port} not ready within ${CLUSTER_READY_MS} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.disconnect();
  }
}
