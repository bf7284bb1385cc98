/**
 * Writes the big demo post (seed/big-post.ts: 50,000 comments by default)
 * straight through the store, and says how long it took.
 *   REDIS_URL=redis://127.0.0.1:6380 pnpm seed:big            # into that Redis
 *   REDIS_CLUSTER_NODES=host:port,… pnpm seed:big             # into a Redis Cluster
 *   REDIS_URL=… pnpm seed:big -- --comments=5000 --post=big-5k
 *   pnpm seed:big                                              # a memory store: a timing dry run
 * The memory engine keeps nothing between runs: start the board with SEED_BIG_POST=50000 instead.
 */
import { Redis } from 'ioredis';
import { BIG_POST_ID, connectCluster, createMemoryStore, createRedisStore, parseConfig, redisOptions, seedBigPost } from '@board/realtime';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const comments = Number(arg('comments') ?? 50_000);
const postId = arg('post') ?? BIG_POST_ID;
if (!Number.isInteger(comments) || comments < 1) {
  console.error('--comments must be a positive whole number');
  process.exit(1);
}

const config = parseConfig(process.env);
const store = config.REDIS_CLUSTER_NODES?.length
  ? createRedisStore({ redis: connectCluster(config.REDIS_CLUSTER_NODES, redisOptions), prefix: config.REDIS_PREFIX, ownsConnection: true })
  : config.REDIS_URL
    ? createRedisStore({ redis: new Redis(config.REDIS_URL, redisOptions), prefix: config.REDIS_PREFIX, ownsConnection: true })
    : createMemoryStore();
const started = performance.now();
const written = await seedBigPost(store, { comments, postId });
const seconds = ((performance.now() - started) / 1_000).toFixed(1);
console.log(
  written > 0
    ? `Wrote ${postId} with ${written.toLocaleString('en-US')} comments on the ${store.engine} engine in ${seconds} s.`
    : `${postId} is already there; nothing written.`,
);
await store.close();
