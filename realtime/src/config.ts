/**
 * All configuration, parsed once from the environment by one zod schema.
 * A bad value stops start-up with a message that names the variable.
 */
import { z } from 'zod';
import { EDIT_WINDOW_DEFAULT_MS, VIEWER_DELAY_MAX_MS, parseOrigins } from '@board/shared';
import { SsoHostsSchema } from './sso/sso-hosts.js';
import { compileTrust, type TrustProxy } from './limits/client-address.js';
import { LOG_LEVELS } from './logging/log.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** Actions with a rate limit (limits/rate-limits.ts). */
export type LimitedAction = 'comment' | 'reaction' | 'create' | 'claim' | 'join' | 'page' | 'mod' | 'clock-ping';

/** One action's budget: actions per window (windowS, seconds) per person, per address and per connection. */
export interface RateBudget {
  /** Actions allowed per window; null when this key kind is not limited. */
  perUser: number | null;
  perIp: number | null;
  /** Per connection, counted in this process (a connection lives on one node); absent when not limited. */
  perConnection?: number;
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
 * Rate budgets (scaled by RATE_LIMIT_FACTOR). Defaults sized for people, not scripts: a fast typist posts a few comments a
 * minute; a reaction-happy viewer clicks a few times a second. The per-IP
 * budgets allow a venue's shared address dozens of people.
 */
export const RATE_BUDGETS: Record<LimitedAction, RateBudget> = {
  comment: { perUser: 6, perIp: 60, windowS: 10, shared: true },
  reaction: { perUser: 15, perIp: 600, windowS: 3, shared: false },
  create: { perUser: 3, perIp: 20, windowS: 600, shared: true },
  // Failed guesses only, per post and address (hosting.handlers.ts): secrets are 192-bit,
  // this keeps a guesser from wasting our CPU without locking the real link out.
  claim: { perUser: null, perIp: 20, windowS: 60, shared: true },
  // The web client joins once per (re)connect, again after a replay that lacked hidden text it
  // may read, and on a role change: a handful a minute. A venue's address reconnecting
  // after a node restart is its people's joins at once. A join is a bounded read (the newest
  // page at most), so it is counted in the node like a page: a Redis MULTI per join is a socket
  // write per arrival in the start-of-event rush, and those writes were 8 % of a node's CPU.
  join: { perUser: null, perIp: 200, perConnection: 12, windowS: 10, shared: false },
  // "Load earlier comments" and "N more replies": a reader clicks a few a minute; a page is a
  // bounded read, so counted in memory like clock samples rather than with a Redis round trip.
  page: { perUser: null, perIp: 600, perConnection: 30, windowS: 10, shared: false },
  // Facilitator actions that change something: a busy moderator clears a few a second, a
  // script toggling pins thousands (each a broadcast to every viewer and a log entry).
  mod: { perUser: 30, perIp: null, windowS: 10, shared: true },
  // A page samples the server clock a few times per connect; cheap, so counted in memory.
  'clock-ping': { perUser: 30, perIp: 1_200, windowS: 10, shared: false },
};


export const ConfigSchema = z.object({
  /** TCP port for HTTP and Socket.IO; 0 picks a free one (tests). */
  PORT: int(0, 65_535).default(3000),
  /** Interface to listen on; 127.0.0.1 keeps a try-out board private to this machine. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Connections the kernel holds for this node until it accepts them (the listen backlog; the
   * kernel caps it at net.core.somaxconn). At the start of an event people arrive faster than a
   * busy node accepts: past Node's default of 511 the kernel dropped them and their browsers
   * saw resets (pnpm bench --only=crowd: up to 300 of 5,000 arrivals in 10 s).
   */
  LISTEN_BACKLOG: int(1, 65_535).default(4_096),
  /** Selects the Redis engine when set; without it the embedded memory engine is used. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * Selects the Redis engine on a Redis Cluster: comma-separated seed nodes (host:port), any
   * few of its masters; the rest are discovered. Takes precedence over REDIS_URL (docs/decisions/0024-redis-cluster.md).
   */
  REDIS_CLUSTER_NODES: list
    .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port, comma-separated')))
    .optional(),
  /**
   * Cross-node fan-out: 'sharded' (SPUBLISH/SSUBSCRIBE, Redis 7: a node gets only the messages
   * of posts its viewers joined), 'classic' (PUBLISH: every node gets every message), or
   * 'auto': sharded on a cluster, classic on a single Redis.
   */
  REDIS_ADAPTER: z.enum(['auto', 'classic', 'sharded']).default('auto'),
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
  /**
   * Least gap between two "N watching now" frames to a node's viewers of a post (ms; each
   * node sends to its own). A crowd changes the count many times a second and each change is
   * a frame to every viewer; a count that settles within 2 s reads as live.
   */
  PRESENCE_FRAME_MS: int(0, 60_000).default(2_000),
  /**
   * How long after writing a comment its author may edit it (ms): 10 minutes
   * fixes a typo or a thought; later, replies may already answer the words.
   */
  EDIT_WINDOW_MS: int(0, 7 * 86_400_000).default(EDIT_WINDOW_DEFAULT_MS),
  /**
   * Reports from this many different people hide a comment pending a
   * facilitator's review (the usual hide: redacted for participants). 3 keeps
   * one grudge from hiding anything; a facilitator can dismiss or confirm.
   */
  REPORT_HIDE_THRESHOLD: int(1, 1_000).default(3),
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
  /**
   * People watching a post (all nodes) from whom on its `post:events` frames are at least
   * BROADCAST_CROWD_TICK_MS apart. Each frame is one write per viewer: with thousands watching,
   * those writes are most of a node's CPU, and halving the frames halves them.
   */
  BROADCAST_CROWD_VIEWERS: int(1, 10_000_000).default(1_000),
  /**
   * Least time between two frames of a crowded post, ms. An event after a quiet spell still
   * leaves at once; events closer together wait for at most this and leave as one frame.
   */
  BROADCAST_CROWD_TICK_MS: int(1, 5_000).default(500),
  /**
   * Longest stream delay a viewer's comment is stamped with (ms): "my stream is
   * behind" puts their comment at the event time less their delay. A larger
   * delay in a request is brought down to this; the protocol allows at most
   * VIEWER_DELAY_MAX_MS (120 s, shared/src/event-clock.ts). 0 stamps every comment with the event time.
   */
  MAX_VIEWER_DELAY_MS: int(0, VIEWER_DELAY_MAX_MS).default(VIEWER_DELAY_MAX_MS),
  /**
   * Threads per page of a discussion (join snapshot, server-rendered page, each
   * "Load earlier comments"): about a screenful and a half of reading, and what a
   * join sends whatever the post's history.
   */
  PAGE_THREADS: int(1, 500).default(30),
  /** Replies sent with each thread of a page, before its "N more replies" button (the page shows three). */
  PAGE_REPLIES: int(0, 100).default(3),
  /** Replies per "N more replies" request: a long thread comes in a few of these. */
  REPLIES_PAGE: int(1, 1_000).default(100),
  /**
   * Comments the away digest reads at most (post:digest, ADR 20): enough for the
   * busiest two minutes' gap to be exact; a longer gap is counted but not read.
   */
  DIGEST_READ_MAX: int(10, 20_000).default(2_000),
  /** How long a transcript download link works, s: long enough to click, short enough that a leaked link is stale. */
  TRANSCRIPT_LINK_S: int(5, 3_600).default(60),
  /** Comments per store read while a transcript streams (transcript/, ADR 20): memory per download follows this, not the event. */
  TRANSCRIPT_PAGE: int(10, 5_000).default(500),
  /**
   * Comments per page of a moment range (watch later, `post:range`): a busy
   * minute of an event; the client asks at most a minute ahead of its playhead.
   */
  REPLAY_PAGE: int(1, 2_000).default(200),
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
   * Comments of a big demo post (`big-watch-along`, seed/big-post.ts) written at start-up
   * when it is missing; 0 writes none. For trying out big events and for the e2e suite;
   * on Redis, `pnpm seed:big` writes it on purpose.
   */
  SEED_BIG_POST: int(0, 1_000_000).default(0),
  /**
   * At start-up, how long to wait for Redis before giving up with exit code 1 (s).
   * Platforms start services in any order; a minute covers a Redis that loads
   * its AOF, and a Redis that is not there after that needs a person.
   */
  REDIS_WAIT_S: int(1, 3_600).default(60),
  /** Least severe log level written (JSON lines on stdout): fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /**
   * Bearer token that /metrics (Prometheus) requires; unset turns /metrics off
   * (404) along with the process metrics it would collect. ≥ 16 characters.
   */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /**
   * On SIGTERM, how long /readyz answers 503 while this node still serves its
   * connections (ms), so a balancer's health check sees it leaving before its
   * clients reconnect elsewhere. Set it to the balancer's check interval; 0 moves them at once.
   */
  DRAIN_NOTICE_MS: int(0, 600_000).default(0),
  /**
   * On SIGTERM, the longest the whole drain may take (ms): notice, requests in
   * flight, pending reactions, moving clients, closing storage. Past it the
   * process exits with code 1 and says what it was waiting for. Orchestrators
   * kill after 30 s by default; 10 s leaves them room.
   */
  DRAIN_DEADLINE_MS: int(1_000, 600_000).default(10_000),
  /** Absolute path of a SvelteKit adapter-node handler.js to serve the board from this process. */
  WEB_HANDLER: z.string().optional(),
  /**
   * How long one render of a post page is served to every viewer who asks, ms; 0: render each
   * request. A render costs ~6 ms of CPU and even a copy served through SvelteKit ~0.8 ms, so a
   * crowd of 500 page loads/s would need cores of its own; the page is the same for every viewer
   * and its socket resyncs from the page's seq, so a copy this old is invisible
   * (http/shared-pages.ts, ADR 25).
   */
  PAGE_CACHE_MS: int(0, 60_000).default(1_000),
  /** Most post pages kept in that cache at once (~100 KB each). */
  PAGE_CACHE_ENTRIES: int(1, 10_000).default(200),
  /**
   * Sites whose signed-in users may sign in here (single sign-on): a JSON array of
   * { id, name, audience, secret (HS256) | alg RS256/ES256 + publicKey (PEM or JWK) }
   * (sso/sso-hosts.ts). Unset: guests only.
   */
  SSO_HOSTS: SsoHostsSchema,
  /** Longest a host's token may live, from its iat (s): tokens are for one sign-in, not sessions. 10 minutes. */
  SSO_TOKEN_MAX_AGE_S: int(10, 86_400).default(600),
  /** Leeway for a host's clock on exp, nbf and iat (s). */
  SSO_CLOCK_TOLERANCE_S: int(0, 300).default(30),
  /**
   * How long a node reuses a post's identity policy for guests' reaction clicks (ms):
   * a change made on another node holds for clicks here within this time (comments at once).
   */
  SSO_POLICY_CACHE_MS: int(0, 60_000).default(2_000),
  /**
   * Origins allowed to frame /embed/ pages (Content-Security-Policy frame-ancestors),
   * comma separated, e.g. https://fanzine.example. Empty: no site may frame the board.
   * Read by the web app too (web/src/hooks.server.ts), from the same variable.
   */
  EMBED_ORIGINS: z.string().default('').transform((v, ctx) => {
    const parsed = parseOrigins(v);
    if (parsed.ok) return parsed.origins;
    ctx.addIssue({ code: 'custom', message: `EMBED_ORIGINS: "${parsed.bad}" is not an origin (scheme://host[:port], nothing after it)` });
    return z.NEVER;
  }),
}).refine((c) => c.DRAIN_NOTICE_MS < c.DRAIN_DEADLINE_MS, {
  message: 'DRAIN_NOTICE_MS must be shorter than DRAIN_DEADLINE_MS (the notice is part of the drain)',
  path: ['DRAIN_NOTICE_MS'],
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
