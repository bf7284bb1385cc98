/**
 * One Redis or a Redis Cluster (REDIS_CLUSTER_NODES), behind one type: the
 * store, the rate limits and the adapter take either (docs/decisions/0024-redis-cluster.md).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A data connection: ioredis to one Redis, or its Cluster client (same command API). */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** "host:port" seeds as ioredis takes them. */
export function clusterSeeds(nodes: readonly string[]): { host: string; port: number }[] {
  return nodes.map((n) => {
    const at = n.lastIndexOf(':');
    return { host: n.slice(0, at), port: Number(n.slice(at + 1)) };
  });
}

/** Options for a Cluster client, from the ones every single-Redis connection gets. */
export function clusterOptions(redisOptions: RedisOptions, extra: ClusterOptions = {}): ClusterOptions {
  const { maxRetriesPerRequest, enableAutoPipelining } = redisOptions;
  return {
    // Autopipelining groups commands per master, so the store's reads across posts
    // (listPosts, heads) go as one round trip per master, not one per post.
    enableAutoPipelining,
    redisOptions: { maxRetriesPerRequest },
    ...extra,
  };
}

export function connectCluster(nodes: readonly string[], redisOptions: RedisOptions, extra: ClusterOptions = {}): Cluster {
  return new Cluster(clusterSeeds(nodes), clusterOptions(redisOptions, extra));
}

/**
 * Where REDIS_* point, for log lines: the cluster seeds, or the URL with its
 * password masked by the caller.
 */
export function describeTarget(config: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string[] }): string | null {
  if (config.REDIS_CLUSTER_NODES?.length) return `Redis Cluster (${config.REDIS_CLUSTER_NODES.join(', ')})`;
  return config.REDIS_URL ?? null;
}
