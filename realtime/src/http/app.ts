/**
 * HTTP side of the service: liveness and readiness, Prometheus metrics, the
 * JSON reads the SvelteKit loads use, and (optionally) the board's pages.
 * Errors are always JSON { error: { code, message } }.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler, type Response, type Router } from 'express';
import { AppError, Id, RangeRequest, type ErrorCode, type PostSummary } from '@board/shared';
import type { Store } from '../store/types.js';
import { pageFor, type PageSizes } from '../posts/pages.js';
import { rangeFor } from '../replay/ranges.js';
import { toFailure, type Log } from '../socket/handle.js';
import type { TrustFn } from '../limits/client-address.js';
import { lazyChild } from '../logging/log.js';
import type { Metrics } from '../metrics/metrics.js';

export interface HttpDeps {
  store: Store;
  /** What a page holds (config PAGE_THREADS, PAGE_REPLIES). */
  pages: PageSizes;
  nodeId: string;
  log: Log;
  metrics: Metrics;
  /** Bearer token /metrics requires; undefined: /metrics is off (404). */
  metricsToken: string | undefined;
  /** Which proxy hops to believe for req.ip: the same rule as the socket handshake's address. */
  trust: TrustFn;
  /** Origins allowed to make state-changing requests; read once per request. */
  allowedOrigins: () => string[];
  /** True once a shutdown has begun. */
  draining: () => boolean;
  /** More /api routes a capability mounts (transcript/): tried before the API's 404. */
  apiRoutes?: Router;
  /** Serves everything that is not /api, /healthz, /readyz or /metrics (the SvelteKit handler). */
  fallback?: RequestHandler;
  /** Comments per page of a moment range (config REPLAY_PAGE). */
  replayPage?: number;
}

/** A storage ping slower than this counts as unreachable (ms). */
const HEALTH_TIMEOUT_MS = 1_000;

const STATUS: Record<ErrorCode, number> = {
  INVALID: 400,
  NOT_FOUND: 404,
  PROTOCOL_MISMATCH: 400,
  UNAUTHENTICATED: 401,
  NAME_REQUIRED: 403,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  LOCKED: 423,
  CONFLICT: 409,
  EDIT_WINDOW_CLOSED: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  TOKEN_EXPIRED: 401,
  TOKEN_NOT_YET_VALID: 401,
  TOKEN_WRONG_AUDIENCE: 401,
  TOKEN_WRONG_ALGORITHM: 401,
  TOKEN_BAD_SIGNATURE: 401,
  TOKEN_UNKNOWN_HOST: 401,
  TOKEN_MALFORMED: 400,
  VERIFIED_REQUIRED: 403,
};

export function createHttpApp(deps: HttpDeps): express.Express {
  const { store, nodeId, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trust);

  // For every response, pages included: no framing (facilitator controls cannot be
  // clickjacked), no MIME sniffing, no referrer leaving the board.
  // /embed/ pages are the exception: their CSP frame-ancestors names EMBED_ORIGINS (web/src/hooks.server.ts).
  app.use((req, res, next) => {
    if (!req.path.startsWith('/embed/')) res.set('X-Frame-Options', 'DENY');
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  });

  // Which node answered, for operators behind a load balancer (`curl -sI`); the node id is
  // a name the operator chose (NODE_ID), not a secret.
  app.use((_req, res, next) => {
    res.set('X-Board-Node', nodeId);
    next();
  });

  // Each request's log lines carry its method and path (a post id in the path is fine in a log, never in a metric).
  app.use((req, res, next) => {
    res.locals.log = lazyChild(log, () => ({ method: req.method, path: req.path }));
    next();
  });

  // Liveness: the process answers. Orchestrators restart a node that stops answering here,
  // so it says nothing about storage: a Redis outage must not restart every node.
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, nodeId, draining: deps.draining() });
  });

  // Readiness, for load balancers: 503 while storage is unreachable or the node drains
  // (SIGTERM), so new traffic goes to another node.
  app.get('/readyz', async (_req, res) => {
    const storage = await Promise.race([
      store.ping().then(() => 'ok' as const),
      new Promise<'unreachable'>((resolve) => setTimeout(() => resolve('unreachable'), HEALTH_TIMEOUT_MS).unref()),
    ]).catch(() => 'unreachable' as const);
    const draining = deps.draining();
    const ok = storage === 'ok' && !draining;
    res.status(ok ? 200 : 503).json({ ok, engine: store.engine, nodeId, storage, draining });
  });

  // Prometheus, behind a bearer token: the numbers say how busy an event is, which is not public.
  const expected = deps.metricsToken === undefined ? null : digest(deps.metricsToken);
  app.get('/metrics', async (req, res) => {
    if (!expected) throw new AppError('NOT_FOUND', 'Metrics are off: set METRICS_TOKEN');
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new AppError('UNAUTHENTICATED', 'Metrics need the bearer token METRICS_TOKEN');
    }
    res.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  const api = express.Router();
  api.use(express.json({ limit: '32kb' }));

  // A browser on another site must not change anything here: refuse cross-site writes by Origin.
  api.use((req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const origin = req.get('origin');
    if (origin && !deps.allowedOrigins().includes(origin)) {
      return next(new AppError('FORBIDDEN', 'Cross-site request refused'));
    }
    next();
  });

  api.get('/posts', async (_req, res) => {
    const posts = await store.listPosts();
    const viewers = await store.viewers(posts.map((p) => p.id));
    const out: PostSummary[] = posts.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      createdAt: p.createdAt,
      commentCount: p.commentCount,
      viewers: viewers[p.id] ?? 0,
      scheduledAt: p.scheduledAt,
      clock: p.clock,
    }));
    // serverTime: the list's "Starts in" and "Live · 34:10" use the server's clock, not the reader's.
    res.json({ posts: out, serverTime: Date.now() });
  });

  api.get('/posts/:id', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw new AppError('NOT_FOUND', 'No such post');
    // Server-side renders are anonymous: hidden text is never in the HTML. The newest page only.
    const [post, read, viewers] = await Promise.all([
      store.getPost(id.data),
      pageFor(store, id.data, { userId: null, role: 'participant' }, deps.pages),
      store.viewers([id.data]),
    ]);
    if (!post) throw new AppError('NOT_FOUND', 'No such post');
    // serverTime: the page renders the event clock right before any socket connects.
    res.json({ post: { ...post, viewers: viewers[id.data] ?? 0 }, ...read, serverTime: Date.now() });
  });

  if (deps.apiRoutes) api.use(deps.apiRoutes);
  // Watch later: a page of comments stamped in [fromMs, toMs), anonymous (the `?t=` server render).
  api.get('/posts/:id/range', async (req, res) => {
    const q = req.query;
    const num = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v);
    const range = RangeRequest.safeParse({ postId: req.params.id, fromMs: num(q.fromMs), toMs: num(q.toMs), cursor: q.cursor });
    if (!range.success) throw new AppError('INVALID', range.error.issues[0]?.message ?? 'Not a valid range');
    const { postId, ...bounds } = range.data;
    res.json(await rangeFor(store, postId, { userId: null, role: 'participant' }, bounds, deps.replayPage ?? 200));
  });

  api.use((_req, _res, next) => next(new AppError('NOT_FOUND', 'No such endpoint')));
  app.use('/api', api);

  if (deps.fallback) app.use(deps.fallback);

  const onError: ErrorRequestHandler = (err: unknown, _req, res: Response<unknown, { log?: Log }>, _next) => {
    // express.json() raises SyntaxError with status 400 on malformed bodies, 413 on big ones
    const status = (err as { status?: number }).status;
    if (!(err instanceof AppError) && status === 400) err = new AppError('INVALID', 'Body is not valid JSON');
    if (!(err instanceof AppError) && status === 413) err = new AppError('INVALID', 'Body is too large');
    const failure = toFailure(err, res.locals.log ?? log, 'http');
    if (failure.ok) return;
    res.status(STATUS[failure.error.code]).json({ error: failure.error });
  };
  app.use(onError);
  return app;
}

/** Equal-length digests, so comparing tokens takes the same time whatever was sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
