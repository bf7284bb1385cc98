/**
 * Rate limits per identity and per IP address, on the actions a flood would
 * use. With Redis the counters live there, so limits hold across nodes; if
 * Redis stumbles, an in-process limiter stands in rather than letting the
 * flood through or refusing everyone.
 */
import type { RedisClient } from '../store/redis/connect.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';
import type { LimitedAction, RateBudget } from '../config.js';
import type { Metrics } from '../metrics/metrics.js';

const MESSAGES: Record<LimitedAction, string> = {
  comment: 'You are commenting quickly',
  reaction: 'You are reacting quickly',
  create: 'You have started several discussions just now',
  claim: 'Too many facilitator links tried',
  join: 'This discussion was opened too often just now',
  page: 'Too many pages of comments asked for just now',
  mod: 'You are moderating very quickly',
  'clock-ping': 'Too many clock samples',
};

export type { LimitedAction };

export interface RateLimits {
  /**
   * Counts one action; throws (or rejects with) AppError RATE_LIMITED with
   * retryAfterMs when over budget. Budgets counted in this process answer
   * synchronously, so the hottest path (a reaction click) allocates no promise.
   * `scope` (e.g. a post id) gives the address a budget of its own per scope.
   */
  consume(action: LimitedAction, socket: BoardSocket, scope?: string): Promise<void> | void;
}

export interface RateLimitOptions {
  redis: RedisClient | null;
  prefix: string;
  /** Multiplies every budget; 0 turns limits off (benchmarks, load tests). */
  factor: number;
  /** Budgets per action (config.ts RATE_BUDGETS). */
  budgets: Record<LimitedAction, RateBudget>;
  /** Counts refusals by rule, `<action>:<user|address|connection>` (board_rate_limited_total). */
  metrics?: Pick<Metrics, 'rateLimited'>;
}

export function createRateLimits(opts: RateLimitOptions): RateLimits {
  if (opts.factor === 0) return { consume: () => undefined };

  const make = (name: string, points: number, duration: number, shared: boolean): Limiter => {
    if (!opts.redis || !shared) return createLocalWindow(points, duration * 1_000);
    const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
    const redis = new RateLimiterRedis({
      storeClient: opts.redis,
      points,
      duration,
      keyPrefix: `${opts.prefix}rl:${name}`,
      insuranceLimiter: memory,
    });
    return { consume: (key) => consumeShared(redis, key) };
  };

  const limiters = {} as Record<LimitedAction, { byUser: Limiter | null; byIp: Limiter | null; byConnection: Limiter | null }>;
  for (const [action, b] of Object.entries(opts.budgets) as Array<[LimitedAction, RateBudget]>) {
    limiters[action] = {
      byUser: b.perUser === null ? null : make(`${action}:user`, Math.ceil(b.perUser * opts.factor), b.windowS, b.shared),
      byIp: b.perIp === null ? null : make(`${action}:ip`, Math.ceil(b.perIp * opts.factor), b.windowS, b.shared),
      byConnection:
        b.perConnection === undefined ? null : createLocalWindow(Math.ceil(b.perConnection * opts.factor), b.windowS * 1_000),
    };
  }

  // Taken at the handshake under the TRUST_PROXY rule (client-address.ts).
  const addressOf = (socket: BoardSocket): string => socket.data.address;

  const refuse = (action: LimitedAction, msBeforeNext: number): AppError => {
    const waitS = Math.max(1, Math.ceil(msBeforeNext / 1_000));
    return new AppError('RATE_LIMITED', `${MESSAGES[action]}. Try again in ${waitS} s.`, msBeforeNext);
  };

  const verdict = (action: LimitedAction, wait: Wait, per: 'user' | 'address' | 'connection') => {
    if (wait === undefined) return;
    opts.metrics?.rateLimited.inc({ rule: `${action}:${per}` });
    throw refuse(action, wait);
  };

  return {
    consume(action, socket, scope) {
      const { byUser, byIp, byConnection } = limiters[action];
      const address = scope === undefined ? addressOf(socket) : `${scope}|${addressOf(socket)}`;
      // A connection's own budget first: a looping connection is refused before it costs a shared count.
      verdict(action, byConnection?.consume(socket.id) as Wait, 'connection');
      const userWait = byUser?.consume(socket.data.user.id);
      if (userWait instanceof Promise) {
        // Shared budgets: the address's at once too. The data connection auto-pipelines,
        // so both share one round trip, and a comment waits for two (these, then its
        // write) instead of three. Under load a round trip is a turn of a busy event loop
        // (docs/benchmarks.md). An attempt refused by the person's budget still counts
        // against the address's.
        return Promise.all([userWait, byIp?.consume(address)]).then(([wait, ipWait]) => {
          verdict(action, wait, 'user');
          verdict(action, ipWait, 'address');
        });
      }
      // In this process: synchronous, and the address is charged only when the person may act.
      verdict(action, userWait, 'user');
      const ipWait = byIp?.consume(address);
      if (ipWait instanceof Promise) return ipWait.then((wait) => verdict(action, wait, 'address'));
      verdict(action, ipWait, 'address');
    },
  };
}

/** Ms until the key may act again; undefined: allowed (and counted). */
type Wait = number | undefined;

/** One budget. Local budgets answer synchronously; shared ones after a Redis round trip. */
interface Limiter {
  consume(key: string): Promise<Wait> | Wait;
}

async function consumeShared(limiter: RateLimiterAbstract, key: string): Promise<Wait> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    return res.msBeforeNext;
  }
}

/**
 * A fixed window per key, in this process: `points` actions per `windowMs`.
 * Expired keys are swept at most once per window, as a side effect of use, so
 * an idle limiter holds no timer and its memory is bounded by one window's keys.
 */
export function createLocalWindow(points: number, windowMs: number, now: () => number = Date.now): Limiter {
  const windows = new Map<string, { used: number; endsAt: number }>();
  let nextSweep = 0;
  return {
    consume(key) {
      const t = now();
      if (t >= nextSweep) {
        for (const [k, w] of windows) if (w.endsAt <= t) windows.delete(k);
        nextSweep = t + windowMs;
      }
      let w = windows.get(key);
      if (!w || w.endsAt <= t) windows.set(key, (w = { used: 0, endsAt: t + windowMs }));
      if (w.used >= points) return w.endsAt - t;
      w.used++;
      return undefined;
    },
  };
}
