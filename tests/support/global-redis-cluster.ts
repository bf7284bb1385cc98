/**
 * One private 3-master Redis Cluster for the whole test run (scripts/lib/redis-cluster.ts);
 * tests isolate themselves by key prefix. TEST_REDIS_CLUSTER_NODES, when set, names
 * a running one instead ("host:port,..." seeds; scripts/test.sh starts one).
 */
import type { TestProject } from 'vitest/node';
import { startRedisCluster } from '../../scripts/lib/redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisClusterNodes: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_REDIS_CLUSTER_NODES) {
    project.provide('redisClusterNodes', process.env.TEST_REDIS_CLUSTER_NODES);
    return;
  }
  const cluster = await startRedisCluster();
  project.provide('redisClusterNodes', cluster.nodes);
  return () => cluster.dispose();
}
