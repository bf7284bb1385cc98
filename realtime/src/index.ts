export { createRealtime, type Realtime, type RealtimeDeps } from './create-realtime.js';
export { parseConfig, configFrom, ConfigSchema, type Config } from './config.js';
export { createMemoryStore } from './store/memory.js';
export { createRedisStore } from './store/redis/redis-store.js';
export { redisOptions } from './store/index.js';
export type { Store, ReactionOp, PostRecord, NewComment } from './store/types.js';
export { seedDemoData } from './seed/demo-data.js';
export { silentLog, consoleLog, type Log } from './socket/handle.js';
export { directFrameStats } from './socket/direct-frames.js';
