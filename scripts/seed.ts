/**
 * Writes the demo posts into the store that REDIS_URL (or REDIS_CLUSTER_NODES) names
 * (the memory engine seeds itself on start). Does nothing if the store already has posts.
 *   REDIS_URL=redis://127.0.0.1:6380 pnpm seed
 */
import { Redis } from 'ioredis';
import { connectCluster, createRedisStore, parseConfig, redisOptions, seedDemoData } from '@board/realtime';

const config = parseConfig(process.env);
const cluster = config.REDIS_CLUSTER_NODES?.length ? config.REDIS_CLUSTER_NODES : null;
if (!config.REDIS_URL && !cluster) {
  console.error('Set REDIS_URL or REDIS_CLUSTER_NODES: the memory engine writes its demo data by itself on start.');
  process.exit(1);
}
const redis = cluster ? connectCluster(cluster, redisOptions) : new Redis(config.REDIS_URL!, redisOptions);
const store = createRedisStore({ redis, prefix: config.REDIS_PREFIX, ownsConnection: true });
const written = await seedDemoData(store);
console.log(written > 0 ? `Wrote ${written} demo posts.` : 'The store already has posts; nothing written.');
await store.close();
