import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config.js';
import type { Log } from '../socket/handle.js';
import { createMemoryStore } from './memory.js';
import { createRedisStore } from './redis/redis-store.js';
import { connectCluster, type RedisClient } from './redis/connect.js';
import type { Store } from './types.js';

export type { Store } from './types.js';

/** Options for every ioredis connection this service opens. */
export const redisOptions = {
  // Fail a command after two reconnect attempts instead of queueing it for
  // minutes: the client gets UNAVAILABLE and nothing is acked that was not stored.
  maxRetriesPerRequest: 2,
  // Many sockets writing at once share round trips.
  enableAutoPipelining: true,
} satisfies RedisOptions;

/**
 * ioredis emits 'error' on every failed reconnect attempt; without a listener it
 * prints each one. Log the first of a run and the recovery instead.
 */
export function watchRedis(client: RedisClient, name: string, log: Log): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.error(`Redis (${name}) unreachable; retrying`, err.message);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info(`Redis (${name}) is back`);
  });
}

export function createStoreFromConfig(config: Config, log: Log): { store: Store; redis: RedisClient | null } {
  const cluster = config.REDIS_CLUSTER_NODES?.length ? config.REDIS_CLUSTER_NODES : null;
  if (!config.REDIS_URL && !cluster) return { store: createMemoryStore({ replayLogMax: config.REPLAY_LOG_MAX, pulseFrameMs: config.PULSE_FRAME_MS }), redis: null };
  const redis: RedisClient = cluster ? connectCluster(cluster, redisOptions) : new Redis(config.REDIS_URL!, redisOptions);
  watchRedis(redis, 'data', log);
  const store = createRedisStore({
    redis,
    prefix: config.REDIS_PREFIX,
    replayLogMax: config.REPLAY_LOG_MAX,
    pulseFrameMs: config.PULSE_FRAME_MS,
  });
  return { store, redis };
}
