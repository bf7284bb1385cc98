/**
 * A real board service on a free port, on the memory or the Redis engine.
 * Each Redis-backed board gets its own key prefix so tests never see each other.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import {
  clusterOptions,
  clusterSeeds,
  configFrom,
  createMemoryStore,
  createRealtime,
  createRedisStore,
  redisOptions,
  silentLog,
  type Realtime,
  type Store,
} from '@board/realtime';

export type Engine = 'memory' | 'redis';

export const uniquePrefix = () => `t${randomBytes(5).toString('hex')}:`;

export interface BoardOptions {
  engine: Engine;
  redisUrl?: string;
  /** Seeds of a Redis Cluster ("host:port,..."): the redis engine on the cluster instead of redisUrl. */
  redisClusterNodes?: string;
  /** Share one prefix between nodes to make them one cluster. */
  prefix?: string;
  nodeId?: string;
  env?: Record<string, string>;
}

export interface Board {
  realtime: Realtime;
  store: Store;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBoard(opts: BoardOptions): Promise<Board> {
  const overrides: Record<string, string> = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'board-data-')),
    SESSION_SECRET: 'test-secret-that-is-long-enough-for-hmac-0123456789',
    // Tests fire bursts from one identity and one address; rate-limits.test.ts turns limits on.
    RATE_LIMIT_FACTOR: '0',
    ...opts.env,
  };
  if (opts.nodeId) overrides.NODE_ID = opts.nodeId;
  if (opts.engine === 'redis') {
    if (opts.redisClusterNodes) overrides.REDIS_CLUSTER_NODES = opts.redisClusterNodes;
    else if (opts.redisUrl) overrides.REDIS_URL = opts.redisUrl;
    else throw new Error('redis engine needs redisUrl or redisClusterNodes');
    overrides.REDIS_PREFIX = opts.prefix ?? uniquePrefix();
  }
  const realtime = createRealtime(configFrom(overrides), { log: silentLog });
  const port = await realtime.listen(0, '127.0.0.1');
  return {
    realtime,
    store: realtime.store,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => realtime.close(),
  };
}

/**
 * Options of a bare test store. `prefix`: the keys it works under (default: a fresh one); a second
 * store given the same prefix sees the same data, as a second node or a restart would.
 */
export interface TestStoreOptions {
  replayLogMax?: number;
  pulseFrameMs?: number;
  prefix?: string;
}

/** A bare store for the contract suite, with its own connection and prefix. */
export function makeStore(engine: Engine, redisUrl: string, opts: TestStoreOptions = {}): Store {
  if (engine === 'memory') return createMemoryStore(opts);
  return createRedisStore({ redis: new Redis(redisUrl, redisOptions), prefix: uniquePrefix(), ownsConnection: true, ...opts });
}

/** Every engine a storage contract runs on: the memory engine, one Redis, a Redis Cluster. */
export const CONTRACT_ENGINES = ['memory', 'redis', 'redis-cluster'] as const;
export type ContractEngine = (typeof CONTRACT_ENGINES)[number];

/** A bare store of `engine`; `targets` are the run's Redis URL and cluster seeds (vitest's inject). */
export function contractStore(engine: ContractEngine, targets: { redisUrl: string; clusterNodes: string }, opts: TestStoreOptions = {}): Store {
  return engine === 'redis-cluster' ? makeClusterStore(targets.clusterNodes, opts) : makeStore(engine, targets.redisUrl, opts);
}

/** A bare store on a Redis Cluster ("host:port,..." seeds), with its own connection and prefix. */
export function makeClusterStore(nodes: string, opts: TestStoreOptions = {}): Store {
  return createRedisStore({ redis: new Cluster(clusterSeeds(nodes.split(',')), clusterOptions(redisOptions)), prefix: uniquePrefix(), ownsConnection: true, ...opts });
}
