import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createMemoryStore } from './memory.js';
import { createRedisStore } from './redis/redis-store.js';
import type { Store } from './types.js';

export type { Store } from './types.js';

/** Options for every ioredis connection this service opens. */
export const redisOptions = {
  // Fail a command after two reconnect attempts instead of queueing it for
  // minutes: the client gets UNAVAILABLE and nothing is acked that was not stored.
  maxRetriesPerRequest: 2,
  // Many sockets writing at once share round trips.
  enableAutoPipelining: true,
} as const;

export function createStoreFromConfig(config: Config): { store: Store; redis: Redis | null } {
  if (!config.REDIS_URL) return { store: createMemoryStore({ replayLogMax: config.REPLAY_LOG_MAX }), redis: null };
  const redis = new Redis(config.REDIS_URL, redisOptions);
  const store = createRedisStore({ redis, prefix: config.REDIS_PREFIX, replayLogMax: config.REPLAY_LOG_MAX });
  return { store, redis };
}
