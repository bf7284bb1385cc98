import { inject } from 'vitest';
import { makeClusterStore, makeStore } from '../support/board.js';
import { describeStore } from './describe-store.js';

describeStore('memory', (opts) => makeStore('memory', '', opts));
describeStore('redis', (opts) => makeStore('redis', inject('redisUrl'), opts));
// A 3-master Redis Cluster: every call must keep its keys in one slot (docs/decisions/0024-redis-cluster.md).
describeStore('redis-cluster', (opts) => makeClusterStore(inject('redisClusterNodes'), opts));
