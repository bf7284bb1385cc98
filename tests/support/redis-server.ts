// The tests and the benchmark share one way to start a private redis-server.
export * from '../../scripts/lib/redis-server.js';
