/**
 * All configuration, parsed once from the environment by one zod schema.
 * A bad value stops start-up with a message that names the variable.
 */
import { z } from 'zod';

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
  /** Behind a trusted reverse proxy: per-IP limits use the first X-Forwarded-For address. */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Write the demo posts when the store has no posts at all. */
  SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
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
