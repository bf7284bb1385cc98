import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redactRedisUrl, waitForRedis } from './wait-for-redis.js';

describe('redactRedisUrl', () => {
  it('masks the password and keeps everything else', () => {
    expect(redactRedisUrl('redis://:s3cret@10.0.0.5:6380/2')).toBe('redis://:***@10.0.0.5:6380/2');
    expect(redactRedisUrl('rediss://board:s3cret@redis.example:6380')).toBe('rediss://board:***@redis.example:6380');
    expect(redactRedisUrl('redis://127.0.0.1:6380')).toBe('redis://127.0.0.1:6380');
  });

  it('prints nothing of a URL it cannot read', () => {
    expect(redactRedisUrl('not a url :s3cret@')).toBe('the configured REDIS_URL');
  });
});

describe('waitForRedis', () => {
  const clients: Redis[] = [];
  afterEach(() => clients.splice(0).forEach((c) => c.disconnect()));

  /** A loopback port with nothing listening on it. */
  const closedPort = () =>
    new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });

  it('reports while it waits and gives up at the deadline with the reason and the tries', async () => {
    const url = `redis://:s3cret@127.0.0.1:${await closedPort()}`;
    const redis = new Redis(url, { retryStrategy: () => 20 });
    clients.push(redis);
    const lines: string[] = [];
    const outcome = await waitForRedis(redis, { url, deadlineMs: 1_000, reportEveryMs: 400, report: (l) => lines.push(l) });

    expect(outcome).toMatchObject({ ready: false, reason: 'connection refused' });
    expect(outcome.ready === false && outcome.tries).toBeGreaterThan(1);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^Waiting for Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(connection refused\), \d+ tries? so far$/);
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
