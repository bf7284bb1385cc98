/**
 * Start-up against Redis: platforms start services in any order, so a node
 * waits for its Redis, says so every few seconds, and gives up after a deadline
 * (main.ts turns that into one line and exit code 1). ioredis keeps reconnecting
 * by itself; this only watches its events.
 */
import type { RedisClient } from './redis/connect.js';

export interface WaitForRedisOptions {
  /** REDIS_URL, shown with its password masked (or the cluster's seeds, which carry none). */
  url: string;
  /** Give up after this long (ms). */
  deadlineMs: number;
  /** One "waiting" line per this many ms. */
  reportEveryMs: number;
  report: (line: string) => void;
}

export type RedisWait = { ready: true } | { ready: false; reason: string; tries: number };

/** The URL as it may be printed: the password (and nothing else) replaced by ***. */
export function redactRedisUrl(url: string): string {
  // A cluster's seed list (store/redis/connect.ts describeTarget) is no URL and carries no password.
  if (url.startsWith('Redis Cluster (') && !url.includes('@')) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured REDIS_URL';
  }
}

/** What went wrong with a connection attempt, in words. */
function describe(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'timed out';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      return err.message;
  }
}

/**
 * Resolves when the client is ready (connected, authenticated, data loaded),
 * or with the last reason and the number of failed tries at the deadline.
 * Call it right after the client is made, so that its first failure is counted.
 */
export function waitForRedis(redis: RedisClient, opts: WaitForRedisOptions): Promise<RedisWait> {
  if (redis.status === 'ready') return Promise.resolve({ ready: true });
  return new Promise((resolve) => {
    let tries = 0;
    let reason = 'no answer yet';
    const onError = (err: Error) => {
      tries += 1;
      reason = describe(err);
    };
    const onReady = () => finish({ ready: true });
    const reporter = setInterval(() => {
      opts.report(
        `Waiting for Redis at ${redactRedisUrl(opts.url)} (${reason}), ${tries} ${tries === 1 ? 'try' : 'tries'} so far`,
      );
    }, opts.reportEveryMs);
    const deadline = setTimeout(() => finish({ ready: false, reason, tries }), opts.deadlineMs);
    function finish(outcome: RedisWait) {
      clearInterval(reporter);
      clearTimeout(deadline);
      redis.off('error', onError);
      redis.off('ready', onReady);
      resolve(outcome);
    }
    redis.on('error', onError);
    redis.on('ready', onReady);
  });
}
