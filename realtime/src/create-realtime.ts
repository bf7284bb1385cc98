/**
 * Builds the whole service (HTTP app, Socket.IO server, store, reaction
 * pipeline, presence) without listening. main.ts listens; tests call this on port 0.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Server } from 'socket.io';
import type { RedisClient } from './store/redis/connect.js';
import { createRedisFanout } from './fanout/redis-fanout.js';
import { rooms } from '@board/shared';
import { allowedOrigins, RATE_BUDGETS, type Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { createSharedPages } from './http/shared-pages.js';
import { createStoreFromConfig, watchRedis, type Store } from './store/index.js';
import { createSessionSigner } from './session/tokens.js';
import { loadOrCreateSecret } from './session/secret.js';
import { installHandshake } from './session/handshake.js';
import { registerSessionHandlers } from './session/session.handlers.js';
import { createPresence } from './presence/presence.js';
import { createPostBroadcaster } from './posts/post-broadcaster.js';
import { registerPostHandlers } from './posts/posts.handlers.js';
import { createSharedReads } from './posts/shared-reads.js';
import { startHeadBeacon } from './posts/head-beacon.js';
import { registerCommentHandlers } from './comments/comments.handlers.js';
import { registerCommentToolHandlers } from './comments/comment-tools.handlers.js';
import { createReactionPipeline } from './reactions/reaction-pipeline.js';
import { registerReactionHandlers } from './reactions/reactions.handlers.js';
import { registerModerationHandlers } from './moderation/moderation.handlers.js';
import { registerHostingHandlers } from './posts/hosting.handlers.js';
import { registerClockHandlers } from './event-clock/clock.handlers.js';
import type { HandlerContext } from './socket/handle.js';
import { createLog, lazyChild, type Log } from './logging/log.js';
import { createMetrics, watchServer, type Metrics } from './metrics/metrics.js';
import { timedStore } from './metrics/timed-store.js';
import { registerMomentHandlers } from './moments/moments.handlers.js';
import { registerDigestHandlers } from './digest/digest.handlers.js';
import { Router } from 'express';
import { createTicketSigner } from './transcript/download-ticket.js';
import { registerTranscriptHandlers } from './transcript/transcript.handlers.js';
import { mountTranscript } from './transcript/transcript.routes.js';
import { createPulseRelay } from './pulse/pulse-relay.js';
import { InFlight } from './socket/in-flight.js';
import { createRateLimits } from './limits/rate-limits.js';
import { compileTrust } from './limits/client-address.js';
import { installConnectionCap } from './limits/connection-cap.js';
import { createIdentityGuard } from './limits/identity-guard.js';
import type { BoardServer } from './socket/types.js';
import { createIdentityGate } from './sso/identity-gate.js';
import { createHostTokenVerifier } from './sso/host-token.js';
import { registerSsoHandlers } from './sso/sso.handlers.js';
import { registerReplayHandlers } from './replay/replay.handlers.js';

/** Longest wait (ms) at shutdown for an adapter connection that is reconnecting; past it, Redis counts as down. */
const ADAPTER_READY_WAIT_MS = 2_000;

/** Resolves once `client` is ready, or after `ms`. */
function readyWithin(client: RedisClient, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
  });
}

/** Longest wait for requests in flight during a shutdown (ms); a deploy should not hang on one slow client. */
const SHUTDOWN_GRACE_MS = 5_000;

/** close() did not finish within DRAIN_DEADLINE_MS; `stage` says what it was waiting for. */
export class DrainTimeout extends Error {
  constructor(
    readonly stage: string,
    deadlineMs: number,
  ) {
    super(`Drain did not finish within ${deadlineMs} ms (still ${stage})`);
  }
}

export interface RealtimeDeps {
  /** Use this store instead of the one the config selects (tests). */
  store?: Store;
  /** Where log lines go; by default JSON lines on stdout at LOG_LEVEL. */
  log?: Log;
  /** Serves the board's pages for every path the service does not own. */
  webHandler?: RequestHandler;
}

export interface Realtime {
  io: BoardServer;
  http: HttpServer;
  store: Store;
  nodeId: string;
  /** This node's logger (every line carries its nodeId). */
  log: Log;
  metrics: Metrics;
  /** The Redis data connection (null on the memory engine), for main.ts's start-up wait. */
  redis: RedisClient | null;
  /** Listens and resolves with the bound port (pass 0 for a free one). */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Drains: /readyz answers 503 and new sockets are refused (for DRAIN_NOTICE_MS),
   * then stops accepting, finishes requests and stores pending reactions, moves
   * clients (disconnects them: they reconnect to another node), closes storage.
   * Rejects with DrainTimeout after DRAIN_DEADLINE_MS (the drain goes on).
   */
  close(): Promise<void>;
}

/** Counts a connection's reconnect attempts (board_redis_reconnects_total) through ioredis's documented 'reconnecting' event. */
function countReconnects(client: RedisClient, connection: string, metrics: Metrics): void {
  client.on('reconnecting', () => metrics.redisReconnects.inc({ connection }));
}

export function createRealtime(config: Config, deps: RealtimeDeps = {}): Realtime {
  const nodeId = config.NODE_ID ?? `node-${randomBytes(3).toString('hex')}`;
  const log = (deps.log ?? createLog(config.LOG_LEVEL)).child({ nodeId });
  const metrics = createMetrics({ enabled: config.METRICS_TOKEN !== undefined, labels: { node: nodeId } });
  const owned = deps.store ? { store: deps.store, redis: null } : createStoreFromConfig(config, log);
  const store = timedStore(owned.store, metrics);
  if (owned.redis) countReconnects(owned.redis, 'data', metrics);
  let origins = allowedOrigins(config, config.PORT);

  let draining = false;
  const inflight = new InFlight();
  const limits = createRateLimits({
    redis: owned.redis,
    prefix: config.REDIS_PREFIX,
    factor: config.RATE_LIMIT_FACTOR,
    budgets: RATE_BUDGETS,
    metrics,
  });
  // One rule for the client address: express's req.ip and the socket handshake both use it.
  const trust = compileTrust(config.TRUST_PROXY);

  // Every viewer's read is a page of this size, whatever the post's history.
  const pages = { threads: config.PAGE_THREADS, replies: config.PAGE_REPLIES, repliesPage: config.REPLIES_PAGE };
  const shared = createSharedReads(store);
  // Filled once the secret is known (below): the transcript download.
  const apiRoutes = Router();
  const app = createHttpApp({
    store,
    pages,
    nodeId,
    log,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    trust,
    allowedOrigins: () => origins,
    draining: () => draining,
    fallback: deps.webHandler,
    apiRoutes,
    replayPage: config.REPLAY_PAGE,
  });
  // The address this node answers itself on, once it listens (a shared page's render is a request to itself).
  let selfOrigin: string | null = null;
  const sharedPages = createSharedPages({
    ttlMs: deps.webHandler ? config.PAGE_CACHE_MS : 0,
    maxEntries: config.PAGE_CACHE_ENTRIES,
    origin: () => selfOrigin,
  });
  const http = createServer((req, res) => {
    const toApp = () => void app(req, res);
    if (!sharedPages(req, res, toApp)) toApp();
  });

  const io: BoardServer = new Server(http, {
    // Websocket only: every message of a client reaches one node, so several
    // nodes need no sticky sessions (docs/decisions/0002-websocket-only.md).
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: config.MAX_FRAME_BYTES,
    // Broadcast frames are small JSON; compressing them per socket costs more CPU than it saves.
    perMessageDeflate: false,
    // The cors option does not stop a WebSocket from another site: check Origin before the upgrade.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      // A draining node takes no new connections; the client's retry finds another node.
      callback(null, !draining && (origin === undefined || origins.includes(origin)));
    },
  });

  watchServer(metrics, io, () => draining);
  // The WebSocket handshake's answer names the node too: behind a balancer a page and
  // its socket may be served by different nodes (docs/decisions/0023-load-balancer.md).
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Board-Node'] = nodeId;
  });

  let adapterClients: RedisClient[] = [];
  if (owned.redis) {
    // Classic or sharded pub/sub, one Redis or a cluster (fanout/redis-fanout.ts, REDIS_ADAPTER).
    const { pub, sub, adapter } = createRedisFanout(owned.redis, { setting: config.REDIS_ADAPTER, prefix: config.REDIS_PREFIX, log, metrics });
    adapterClients = [pub, sub];
    countReconnects(pub, 'adapter-publisher', metrics);
    countReconnects(sub, 'adapter-subscriber', metrics);
    watchRedis(pub, 'adapter publisher', log);
    watchRedis(sub, 'adapter subscriber', log);
    io.adapter(adapter);
  }

  const secret = config.SESSION_SECRET ?? loadOrCreateSecret(config.DATA_DIR);
  const guard = createIdentityGuard({
    io,
    store,
    redis: owned.redis,
    prefix: config.REDIS_PREFIX,
    secret,
    factor: config.RATE_LIMIT_FACTOR,
    reactorsPerComment: config.ADDRESS_REACTORS_PER_COMMENT,
    reactorsWindowS: config.ADDRESS_REACTORS_WINDOW_S,
    slowModePerAddress: config.SLOW_MODE_PER_ADDRESS,
    newSessionS: config.NEW_SESSION_S,
    newSessionCommentsPerAddress: config.NEW_SESSION_COMMENTS_PER_ADDRESS,
    metrics,
  });
  const identity = createIdentityGate(store, config.SSO_POLICY_CACHE_MS);
  const sharedCtx: HandlerContext = { log, metrics, inflight, limits, guard, identity };
  const ssoHosts = new Map(config.SSO_HOSTS.map((h) => [h.id, h.name]));
  const signer = createSessionSigner(secret, config.SESSION_TTL_S * 1_000, Date.now, (id) => ssoHosts.get(id));
  const verifyHostToken = createHostTokenVerifier({
    hosts: config.SSO_HOSTS,
    maxAgeS: config.SSO_TOKEN_MAX_AGE_S,
    clockToleranceS: config.SSO_CLOCK_TOLERANCE_S,
  });
  const tickets = createTicketSigner(secret, config.TRANSCRIPT_LINK_S * 1_000);
  mountTranscript(apiRoutes, { store, tickets, sessions: signer, pageSize: config.TRANSCRIPT_PAGE, log });
  const broadcaster = createPostBroadcaster(io, {
    batchAbovePerS: config.BROADCAST_BATCH_ABOVE_PER_S,
    tickMs: config.BROADCAST_TICK_MS,
    maxEventsPerFrame: config.BROADCAST_MAX_EVENTS_PER_FRAME,
    crowdViewers: config.BROADCAST_CROWD_VIEWERS,
    crowdTickMs: config.BROADCAST_CROWD_TICK_MS,
    // Presence is made just below; this is first called when an event is sent.
    audience: (postId) => presence.watching(postId),
    metrics,
  });
  const presence = createPresence({ io, store, nodeId, log, frameMs: config.PRESENCE_FRAME_MS, peers: Boolean(owned.redis) });
  const pulse = createPulseRelay({
    store,
    broadcast: (postId, buckets) => io.to(rooms.post(postId)).emit('post:pulse', postId, buckets),
    log,
  });
  const reactions = createReactionPipeline({
    store,
    flushMs: config.REACTION_FLUSH_MS,
    maxBatch: config.REACTION_MAX_BATCH,
    broadcast: (postId, totals) => {
      io.to(rooms.post(postId)).emit('post:totals', postId, totals);
      metrics.broadcastFrames.inc({ event: 'post:totals' });
    },
    pulse: (postId, out) => pulse.outcome(postId, out),
    log,
    metrics,
  });

  const stopBeacon = startHeadBeacon(io, store, config.HEAD_BEACON_MS, log, broadcaster.sentWithin);

  installHandshake(io, signer, trust);
  io.use(guard.handshake);
  installConnectionCap(
    io,
    config.RATE_LIMIT_FACTOR === 0 ? Infinity : Math.ceil(config.MAX_CONNECTIONS_PER_ADDRESS * config.RATE_LIMIT_FACTOR),
    metrics,
  );
  io.on('connection', (socket) => {
    // The connection's log lines carry its socket and person (made only when it logs).
    const ctx: HandlerContext = { ...sharedCtx, log: lazyChild(log, () => ({ socketId: socket.id, userId: socket.data.user.id })) };
    // At LOG_LEVEL=debug: who came and went, and why they went (a reason from Socket.IO, e.g. "transport close").
    log.debug('Socket connected', { socketId: socket.id, userId: socket.data.user.id });
    socket.once('disconnect', (reason) => log.debug('Socket disconnected', { socketId: socket.id, userId: socket.data.user.id, reason }));
    void socket.join(rooms.user(socket.data.user.id));
    guard.connected(socket);
    registerSessionHandlers(socket, signer, ctx);
    registerPostHandlers(socket, { store, presence, ctx, resyncTotalsMax: config.RESYNC_TOTALS_MAX, pages, shared });
    registerCommentHandlers(socket, { store, broadcaster, presence, pulse, ctx, maxViewerDelayMs: config.MAX_VIEWER_DELAY_MS });
    registerCommentToolHandlers(socket, {
      io, store, broadcaster, presence, ctx, editWindowMs: config.EDIT_WINDOW_MS, reportHideThreshold: config.REPORT_HIDE_THRESHOLD,
    });
    registerReactionHandlers(socket, { pipeline: reactions, ctx });
    registerHostingHandlers(socket, { io, store, ctx });
    registerModerationHandlers(socket, { io, store, broadcaster, presence, ctx });
    registerClockHandlers(socket, { io, store, broadcaster, ctx });
    registerMomentHandlers(socket, { store, broadcaster, ctx, max: config.MOMENTS_MAX });
    registerDigestHandlers(socket, { store, ctx, readMax: config.DIGEST_READ_MAX });
    registerTranscriptHandlers(socket, { store, tickets, ctx });
    registerSsoHandlers(socket, { io, store, signer, verify: verifyHostToken, gate: identity, ctx });
    registerReplayHandlers(socket, { store, ctx, pageSize: config.REPLAY_PAGE });
  });

  /**
   * Graceful shutdown (a drain), in this order: say "not ready" and take no new
   * sockets, for DRAIN_NOTICE_MS while current clients are still served; stop
   * accepting connections; let requests in flight finish and be acked; store
   * pending reactions; stop counting this node's viewers; disconnect clients
   * (they reconnect to another node and resync by sequence number); close
   * storage last. `stage` names the step, for the deadline's message.
   */
  let closing: Promise<void> | null = null;
  let stage = 'starting to drain';
  const shutdown = async () => {
    draining = true;
    log.info('Draining: /readyz answers 503, new connections are refused', {
      sockets: io.of('/').sockets.size,
      noticeMs: config.DRAIN_NOTICE_MS,
      deadlineMs: config.DRAIN_DEADLINE_MS,
    });
    if (config.DRAIN_NOTICE_MS > 0) {
      stage = 'giving the balancer notice';
      await new Promise((resolve) => setTimeout(resolve, config.DRAIN_NOTICE_MS));
    }
    if (http.listening) http.close();
    stage = 'waiting for requests in flight';
    const graceMs = Math.min(SHUTDOWN_GRACE_MS, config.DRAIN_DEADLINE_MS / 2);
    const settled = await inflight.whenIdle(graceMs);
    if (!settled) log.error(`Shutdown: ${inflight.count} requests still running after ${graceMs} ms`);
    // Pending clicks are stored and answered before their connections close.
    stage = 'storing pending reactions';
    await reactions.drain();
    pulse.close();
    broadcaster.close();
    stopBeacon();
    stage = 'releasing this node\'s viewer counts';
    await presence.close();
    // A subscriber still reconnecting after a Redis restart would hold the adapter's
    // UNSUBSCRIBEs in its queue, and disconnecting it below fails them unhandled: give it
    // a moment to come back first (chaos/redis-restart saw this in 2 of 3 loaded runs).
    stage = 'waiting for the adapter\'s Redis connections';
    await Promise.all(adapterClients.map((c) => readyWithin(c, ADAPTER_READY_WAIT_MS)));
    // Socket.IO first, Redis last: closing Redis under live sockets ends in EPIPE.
    // Closing disconnects every client; each reconnects (with jitter) to a node that is ready.
    stage = 'disconnecting clients';
    const moved = io.of('/').sockets.size;
    await new Promise<void>((resolve) => io.close(() => resolve()));
    log.info('Drained: clients told to reconnect elsewhere', { sockets: moved });
    // The adapter's close() does not await its UNSUBSCRIBEs; a PING is answered in
    // order after them, so QUIT cannot fail them as unhandled rejections.
    stage = 'closing storage';
    await Promise.all(
      adapterClients.map(async (c) => {
        // Never connected (Redis still down): nothing to wait for, and the
        // subscriber's commands would wait for a connection forever.
        if (c.status !== 'ready') return c.disconnect();
        await c.ping().catch(() => undefined);
        await c.quit().catch(() => undefined);
      }),
    );
    if (!deps.store) await store.close();
    if (owned.redis) await owned.redis.quit().catch(() => undefined);
    stage = 'closed';
  };

  /** The drain, or DrainTimeout once DRAIN_DEADLINE_MS has passed (the drain itself goes on). */
  const drainWithinDeadline = (): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DrainTimeout(stage, config.DRAIN_DEADLINE_MS)), config.DRAIN_DEADLINE_MS);
      timer.unref();
    });
    return Promise.race([shutdown(), deadline]).finally(() => clearTimeout(timer));
  };

  return {
    io,
    http,
    store,
    nodeId,
    log,
    metrics,
    redis: owned.redis,
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen({ port, host, backlog: config.LISTEN_BACKLOG }, () => {
          const address = http.address() as AddressInfo;
          const bound = address.port;
          selfOrigin = `http://${loopbackFor(address)}:${bound}`;
          if (config.ALLOWED_ORIGINS.length === 0) origins = allowedOrigins(config, bound);
          resolve(bound);
        });
      });
    },
    close() {
      closing ??= drainWithinDeadline();
      return closing;
    },
  };
}

/** Where this node can reach itself: its own address, or loopback when it listens on every interface. */
function loopbackFor({ address, family }: AddressInfo): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return family === 'IPv6' ? `[${address}]` : address;
}
