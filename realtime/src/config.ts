/**
 * All configuration, parsed once from the environment by one zod schema.
 * A bad value stops start-up with a message that names the variable.
 */
import { z } from 'zod';
import { compileTrust, type TrustProxy } from './limits/client-address.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const ConfigSchema = z.object({
  /** TCP port for HTTP and Socket.IO; 0 picks a free one (tests). */
  PORT: int(0, 65_535).default(3000),
  /** Interface to listen on; 127.0.0.1 keeps a try-out board private to this machine. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Selects the Redis engine when set; without it the embedded memory engine is used. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix for every Redis key and adapter channel, so several boards can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('board:'),
  /** Names this process in /healthz and in cross-node presence; random when unset. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .optional(),
  /**
   * Browser origins allowed to open a socket or POST. Empty means the board's own
   * origin (http://localhost:PORT and http://127.0.0.1:PORT).
   */
  ALLOWED_ORIGINS: list.default([]),
  /** HMAC key for session tokens (≥ 32 chars). Unset: generated once and kept in DATA_DIR. */
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  /** Session lifetime (s) since the token was last issued; every connection re-issues it, so only unused sessions expire. 30 days. */
  SESSION_TTL_S: int(60, 10 * 365 * 86_400).default(30 * 86_400),
  /** Where the embedded default keeps its generated secret. */
  DATA_DIR: z.string().default('.data'),
  /**
   * Reaction flush window per post (ms): clicks are collected this long, then
   * stored in one write and broadcast as one totals frame, and each clicking
   * connection gets one receipts frame. 10 frames/s reads as smooth.
   */
  REACTION_FLUSH_MS: int(5, 2_000).default(100),
  /**
   * Most reaction settings in one flush (one store call); the rest wait for the
   * next window. 20,000 is two seconds of a 10,000 clicks/s storm on one post;
   * the store takes at most 40,000 (store/types.ts MAX_REACTION_BATCH).
   */
  REACTION_MAX_BATCH: int(1, 40_000).default(20_000),
  /**
   * Least gap between two frames that carry pulse buckets (shared/src/pulse.ts)
   * to one post's viewers, all nodes together (ms): 200 is 5 frames/s, smooth for a
   * strip of 5 s bars. Changes in between wait for the next frame; none are lost.
   */
  PULSE_FRAME_MS: int(50, 10_000).default(200),
  /** Moments a post keeps (facilitator-marked chapters); more is refused with INVALID. */
  MOMENTS_MAX: int(1, 1_000).default(100),
  /**
   * Most comments whose current totals a replay answer carries (a resync); when
   * more changed since the client's version, it gets a snapshot instead, which
   * then costs about the same.
   */
  RESYNC_TOTALS_MAX: int(1, 100_000).default(1_000),
  /**
   * Ordered post events per second above which a post's events are collected
   * into one frame per BROADCAST_TICK_MS. Below it each event is its own frame
   * (at most one per 50 ms on average, so batching would only add delay).
   */
  BROADCAST_BATCH_ABOVE_PER_S: int(1, 100_000).default(20),
  /**
   * How long a busy post collects events before sending them as one frame (ms).
   * ~30 frames/s is smooth, and 33 ms is well below the ~100 ms at which a live feed feels late.
   */
  BROADCAST_TICK_MS: int(1, 1_000).default(33),
  /** Most events in one `post:events` frame; a bigger backlog goes in several (bounds frame bytes). */
  BROADCAST_MAX_EVENTS_PER_FRAME: int(1, 10_000).default(500),
  /** Events kept per post for "give me everything after seq N" resyncs. Older gaps reload the snapshot. */
  REPLAY_LOG_MAX: int(100, 1_000_000).default(10_000),
  /** How often each room hears the post's latest sequence number (ms): the longest a lost broadcast stays unnoticed in a quiet room. */
  HEAD_BEACON_MS: int(100, 60_000).default(5_000),
  /** Largest Socket.IO frame accepted, in bytes: a 5,000-character comment of 4-byte characters plus framing fits. */
  MAX_FRAME_BYTES: int(4_096, 1_048_576).default(64 * 1024),
  /** Multiplies every rate-limit budget (limits/rate-limits.ts); 0 turns limits off for load tests. */
  RATE_LIMIT_FACTOR: z.coerce.number().min(0).max(1_000).default(1),
  /**
   * Which X-Forwarded-For hops to believe for the client address (express's
   * `trust proxy`): unset/false = the socket address; a count of proxies in
   * front (1 = one load balancer); or a comma list of proxy addresses/subnets.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): TrustProxy => {
      const value = v.trim();
      if (value === '' || value === 'false' || value === '0') return false;
      if (value === 'true') {
        ctx.addIssue({
          code: 'custom',
          message: 'TRUST_PROXY=true would believe a client-written X-Forwarded-For; give the number of proxies in front (e.g. 1) or their addresses',
        });
        return z.NEVER;
      }
      if (/^\d+$/.test(value)) return Number(value);
      const proxies = value.split(',').map((x) => x.trim()).filter(Boolean);
      try {
        compileTrust(proxies);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `TRUST_PROXY: ${(err as Error).message} (give a hop count or proxy addresses/subnets)` });
        return z.NEVER;
      }
      return proxies;
    }),
  /**
   * Open connections per client address per node (scaled by RATE_LIMIT_FACTOR;
   * 0 there lifts it). A venue's shared address has dozens of tabs, a script thousands.
   */
  MAX_CONNECTIONS_PER_ADDRESS: int(1, 1_000_000).default(200),
  // Budgets per client address beside the per-person ones, so fresh guest sessions buy
  // nothing (limits/identity-guard.ts). Scaled by RATE_LIMIT_FACTOR like the others.
  /** Different people from one address who may press a reaction on one comment per window, per node. A venue's crowd, not a script's. */
  ADDRESS_REACTORS_PER_COMMENT: int(1, 1_000_000).default(25),
  /** That window (s). */
  ADDRESS_REACTORS_WINDOW_S: int(1, 86_400).default(600),
  /** Comments per address per slow-mode interval on a post in slow mode (facilitators excepted). */
  SLOW_MODE_PER_ADDRESS: int(1, 1_000).default(1),
  /** A session younger than this (s) is new: its comments also count against its address's new-session budget. */
  NEW_SESSION_S: int(0, 86_400).default(600),
  /** Comments from new sessions per address per NEW_SESSION_S. */
  NEW_SESSION_COMMENTS_PER_ADDRESS: int(1, 1_000_000).default(10),
  /**
   * Write the demo posts when the store has no posts at all. Unset: yes on the
   * memory engine (a board to try out), no on Redis (a production store stays
   * as the operator left it; `pnpm seed` writes them on purpose).
   */
  SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
  /**
   * At start-up, how long to wait for Redis before giving up with exit code 1 (s).
   * Platforms start services in any order; a minute covers a Redis that loads
   * its AOF, and a Redis that is not there after that needs a person.
   */
  REDIS_WAIT_S: int(1, 3_600).default(60),
  /** Absolute path of a SvelteKit adapter-node handler.js to serve the board from this process. */
  WEB_HANDLER: z.string().optional(),
});

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Config for tests and embedding: defaults plus overrides, still validated. */
export function configFrom(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return parseConfig({ PORT: '0', SEED_DEMO: 'false', ...overrides });
}

export function allowedOrigins(config: Config, port: number): string[] {
  if (config.ALLOWED_ORIGINS.length > 0) return config.ALLOWED_ORIGINS;
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}
