/**
 * Writes the demo posts into the store that REDIS_URL names (the memory engine
 * seeds itself on start). Does nothing if the store already has posts.
 *   REDIS_URL=redis://127.0.0.1:6380 pnpm seed
 */
import { Redis } from 'ioredis';
import { createRedisStore, parseConfig, redisOptions, seedDemoData } from '@board/realtime';

const config = parseConfig(process.env);
if (!config.REDIS_URL) {
  console.error('Set REDIS_URL: the memory engine writes its demo data by itself on start.');
  process.exit(1);
}
const store = createRedisStore({ redis: new Redis(config.REDIS_URL, redisOptions), prefix: config.REDIS_PREFIX, ownsConnection: true });
const written = await seedDemoData(store);
console.log(written > 0 ? `Wrote ${written} demo posts.` : 'The store already has posts; nothing written.');
await store.close();
