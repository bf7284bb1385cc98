/**
 * HTTP side of the service: health, the JSON reads the SvelteKit loads use,
 * and (optionally) the board's pages. Errors are always JSON { error: { code, message } }.
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { AppError, Id, type ErrorCode, type PostSummary } from '@board/shared';
import type { Store } from '../store/types.js';
import { pageFor, type PageSizes } from '../posts/pages.js';
import { toFailure, type Log } from '../socket/handle.js';
import type { TrustFn } from '../limits/client-address.js';

export interface HttpDeps {
  store: Store;
  /** What a page holds (config PAGE_THREADS, PAGE_REPLIES). */
  pages: PageSizes;
  nodeId: string;
  log: Log;
  /** Which proxy hops to believe for req.ip: the same rule as the socket handshake's address. */
  trust: TrustFn;
  /** Origins allowed to make state-changing requests; read once per request. */
  allowedOrigins: () => string[];
  /** True once a shutdown has begun. */
  draining: () => boolean;
  /** Serves everything that is not /api or /healthz (the SvelteKit handler). */
  fallback?: RequestHandler;
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
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function createHttpApp(deps: HttpDeps): express.Express {
  const { store, nodeId, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trust);

  // For every response, pages included: no framing (facilitator controls cannot be
  // clickjacked), no MIME sniffing, no referrer leaving the board.
  app.use((_req, res, next) => {
    res.set({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  });

  // For load balancers: 503 while storage is unreachable, so traffic goes to a healthy node.
  app.get('/healthz', async (_req, res) => {
    const storage = await Promise.race([
      store.ping().then(() => 'ok' as const),
      new Promise<'unreachable'>((resolve) => setTimeout(() => resolve('unreachable'), HEALTH_TIMEOUT_MS).unref()),
    ]).catch(() => 'unreachable' as const);
    const draining = deps.draining();
    const ok = storage === 'ok' && !draining;
    res.status(ok ? 200 : 503).json({ ok, engine: store.engine, nodeId, storage, draining });
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
    res.json({ posts: out });
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

  api.use((_req, _res, next) => next(new AppError('NOT_FOUND', 'No such endpoint')));
  app.use('/api', api);

  if (deps.fallback) app.use(deps.fallback);

  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    // express.json() raises SyntaxError with status 400 on malformed bodies, 413 on big ones
    const status = (err as { status?: number }).status;
    if (!(err instanceof AppError) && status === 400) err = new AppError('INVALID', 'Body is not valid JSON');
    if (!(err instanceof AppError) && status === 413) err = new AppError('INVALID', 'Body is too large');
    const failure = toFailure(err, log, 'http');
    if (failure.ok) return;
    res.status(STATUS[failure.error.code]).json({ error: failure.error });
  };
  app.use(onError);
  return app;
}
