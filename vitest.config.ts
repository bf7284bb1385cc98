import { defineConfig } from 'vitest/config';

// Fast unit tests, the store contract on both engines, integration tests against
// real servers, clients and redis-server, and the chaos suite.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Plain web modules too (no runes, no $lib): logic that needs no browser.
          include: ['shared/src/**/*.test.ts', 'realtime/src/**/*.test.ts', 'web/src/lib/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'contract',
          include: ['tests/contract/**/*.test.ts'],
          globalSetup: ['tests/support/global-redis.ts', 'tests/support/global-redis-cluster.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-redis.ts', 'tests/support/global-redis-cluster.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Breaks things on purpose (kills nodes, restarts Redis, fuzzes): slow, run apart with `pnpm test:chaos`.
        test: {
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          globalSetup: ['tests/support/global-redis.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
