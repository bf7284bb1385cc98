/**
 * Rate limits per identity and per IP address, on the actions a flood would
 * use. With Redis the counters live there, so limits hold across nodes; if
 * Redis stumbles, an in-process limiter stands in rather than letting the
 * flood through or refusing everyone.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';

export type LimitedAction = 'comment' | 'reaction' | 'create' | 'claim';

interface Budget {
  /** Actions allowed per window; null when this key kind is not limited. */
  perUser: number | null;
  perIp: number | null;
  windowS: number;
  /**
   * Counted in Redis so the budget holds across nodes. Reactions are counted in
   * each node's memory instead: a click is cheap, coalesced and idempotent (a
   * flood cannot move a total by more than one per person and kind), and two
   * Redis round trips per click would cost more than the click itself.
   */
  shared: boolean;
}

/**
 * Defaults sized for people, not scripts: a fast typist posts a few comments a
 * minute; a reaction-happy viewer clicks a few times a second. The per-IP
 * budgets allow a venue's shared address dozens of people.
 */
const BUDGETS: Record<LimitedAction, Budget> = {
  comment: { perUser: 6, perIp: 60, windowS: 10, shared: true },
  reaction: { perUser: 15, perIp: 600, windowS: 3, shared: false },
  create: { perUser: 3, perIp: 20, windowS: 600, shared: true },
  // Facilitator secrets are 192-bit; this only keeps a guesser from wasting our CPU.
  claim: { perUser: null, perIp: 20, windowS: 60, shared: true },
};

const MESSAGES: Record<LimitedAction, string> = {
  comment: 'You are commenting quickly',
  reaction: 'You are reacting quickly',
  create: 'You have started several discussions just now',
  claim: 'Too many facilitator links tried',
};

export interface RateLimits {
  /** Counts one action; throws AppError RATE_LIMITED with retryAfterMs when over budget. */
  consume(action: LimitedAction, socket: BoardSocket): Promise<void>;
}

export interface RateLimitOptions {
  redis: Redis | null;
  prefix: string;
  /** Multiplies every budget; 0 turns limits off (benchmarks, load tests). */
  factor: number;
  /** Take the client address from X-Forwarded-For (behind a trusted proxy). */
  trustProxy: boolean;
}

export function createRateLimits(opts: RateLimitOptions): RateLimits {
  if (opts.factor === 0) return { consume: async () => undefined };

  const make = (name: string, points: number, duration: number, shared: boolean): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
    if (!opts.redis || !shared) return memory;
    return new RateLimiterRedis({
      storeClient: opts.redis,
      points,
      duration,
      keyPrefix: `${opts.prefix}rl:${name}`,
      insuranceLimiter: memory,
    });
  };

  const limiters = new Map<string, RateLimiterAbstract>();
  for (const [action, b] of Object.entries(BUDGETS)) {
    if (b.perUser !== null) limiters.set(`${action}:user`, make(`${action}:user`, Math.ceil(b.perUser * opts.factor), b.windowS, b.shared));
    if (b.perIp !== null) limiters.set(`${action}:ip`, make(`${action}:ip`, Math.ceil(b.perIp * opts.factor), b.windowS, b.shared));
  }

  const addressOf = (socket: BoardSocket): string => {
    if (opts.trustProxy) {
      const forwarded = socket.handshake.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return socket.handshake.address;
  };

  return {
    async consume(action, socket) {
      const checks: [RateLimiterAbstract | undefined, string][] = [
        [limiters.get(`${action}:user`), socket.data.user.id],
        [limiters.get(`${action}:ip`), addressOf(socket)],
      ];
      for (const [limiter, key] of checks) {
        if (!limiter) continue;
        try {
          await limiter.consume(key);
        } catch (res) {
          if (!(res instanceof RateLimiterRes)) throw res;
          const waitS = Math.max(1, Math.ceil(res.msBeforeNext / 1_000));
          throw new AppError('RATE_LIMITED', `${MESSAGES[action]}. Try again in ${waitS} s.`, res.msBeforeNext);
        }
      }
    },
  };
}
