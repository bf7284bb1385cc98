import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ConfigError, configFrom } from '../../config.js';
import { adapterKind } from '../../fanout/redis-fanout.js';
import { redactRedisUrl } from '../wait-for-redis.js';
import { clusterSeeds, connectCluster, describeTarget } from './connect.js';

describe('REDIS_CLUSTER_NODES', () => {
  it('takes comma-separated host:port seeds', () => {
    const config = configFrom({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b.internal:7001 ' });
    expect(config.REDIS_CLUSTER_NODES).toEqual(['10.0.0.1:7000', 'redis-b.internal:7001']);
    expect(clusterSeeds(config.REDIS_CLUSTER_NODES!)).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
    ]);
    expect(config.REDIS_ADAPTER).toBe('auto');
  });

  it('refuses a seed without a port, naming the variable', () => {
    expect(() => configFrom({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(ConfigError);
    expect(() => configFrom({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('is named in start-up lines as the seeds (no URL, no password to mask)', () => {
    const target = describeTarget({ REDIS_CLUSTER_NODES: ['10.0.0.1:7000'], REDIS_URL: 'redis://:pw@x:1' })!;
    expect(target).toBe('Redis Cluster (10.0.0.1:7000)');
    expect(redactRedisUrl(target)).toBe(target);
    expect(describeTarget({ REDIS_URL: 'redis://x:1' })).toBe('redis://x:1');
  });

  it('picks the sharded adapter on a cluster and the classic one on one Redis, unless told', () => {
    const single = new Redis({ lazyConnect: true });
    const cluster = connectCluster(['127.0.0.1:1'], {}, { lazyConnect: true });
    expect(adapterKind('auto', single)).toBe('classic');
    expect(adapterKind('auto', cluster)).toBe('sharded');
    expect(adapterKind('classic', cluster)).toBe('classic');
    expect(adapterKind('sharded', single)).toBe('sharded');
    single.disconnect();
    cluster.disconnect();
  });
});
