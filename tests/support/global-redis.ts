/**
 * One private redis-server for the whole test run; tests isolate themselves by
 * key prefix. TEST_REDIS_URL, when set, names an already running one instead.
 */
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_REDIS_URL) {
    project.provide('redisUrl', process.env.TEST_REDIS_URL);
    return;
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.dispose();
}
