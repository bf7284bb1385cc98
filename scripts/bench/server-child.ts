/**
 * One server process of the benchmark, driven over IPC by bench.ts.
 *
 * - `board`: the real service from createRealtime() on the memory or Redis engine.
 * - `bare`: a bare `ws` server doing the same broadcast with nothing else: the
 *   yardstick for how much the board's stack costs per delivery.
 *
 * Reports its own CPU (process.cpuUsage, all threads) and memory so the
 * orchestrator can charge work to the server and not to the load generator.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { configFrom, createRealtime, type Log, type Realtime } from '@board/realtime';
import { serveRpc } from './rpc.js';
import { BENCH_POST_ID } from './wire.js';

interface StartArgs {
  kind: 'board' | 'bare';
  redisUrl?: string;
  redisPrefix?: string;
  nodeId?: string;
  /** Create the bench post (only one node of a cluster does). */
  createPost?: boolean;
  sessionSecret?: string;
  /** RATE_LIMIT_FACTOR for the service: every simulated person shares 127.0.0.1, so per-IP budgets need room. */
  rateLimitFactor: number;
}

let errors = 0;
const log: Log = {
  info: () => undefined,
  error: (m, e) => {
    // Print the first few in full; count the rest (a storm of the same error would drown the table).
    if (++errors <= 5) console.error(`[server ${process.pid}] ${m}`, e);
  },
};

let board: Realtime | null = null;
let bare: { wss: WebSocketServer; close(): Promise<void> } | null = null;

async function startBoard(args: StartArgs): Promise<number> {
  const config = configFrom({
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    SESSION_SECRET: args.sessionSecret ?? randomBytes(24).toString('base64url'),
    NODE_ID: args.nodeId,
    RATE_LIMIT_FACTOR: String(args.rateLimitFactor),
    ...(args.redisUrl ? { REDIS_URL: args.redisUrl, REDIS_PREFIX: args.redisPrefix ?? 'bench:' } : {}),
  });
  board = createRealtime(config, { log });
  const port = await board.listen(0, '127.0.0.1');
  if (args.createPost) {
    // Typed loosely: the post shape grows (schedules, settings) and every new field has a default.
    const post = { id: BENCH_POST_ID, title: 'Bench', description: '', body: '', scheduledAt: null };
    await board.store.createPost(post as Parameters<Realtime['store']['createPost']>[0]);
  }
  return port;
}

/**
 * The bare yardstick: a viewer connects to `/`, the poster to `/post`. Each
 * poster message becomes one comment event, encoded once into the very text
 * Socket.IO would send, and written to every viewer with ws.send().
 */
async function startBare(): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
  const viewers = new Set<WebSocket>();
  let seq = 0;
  wss.on('connection', (ws, req) => {
    if (req.url === '/post') {
      ws.on('message', (data) => {
        const { t, n, body } = JSON.parse(data.toString()) as { t: number; n: number; body: string };
        seq += 1;
        const comment = {
          id: `c${seq}`,
          postId: BENCH_POST_ID,
          parentId: null,
          author: { id: 'ubench', name: 'Bench poster' },
          body,
          createdAt: Date.now(),
          seq,
          reactions: { like: 0, love: 0, laugh: 0, wow: 0 },
        };
        const frame = Buffer.from(`42${JSON.stringify(['post:events', BENCH_POST_ID, [{ type: 'comment', seq, comment }]])}`);
        for (const v of viewers) v.send(frame, { binary: false });
        ws.send(JSON.stringify({ ack: n, t }));
      });
      return;
    }
    viewers.add(ws);
    ws.on('close', () => viewers.delete(ws));
    ws.on('error', () => viewers.delete(ws));
  });
  await new Promise<void>((resolve) => (wss.address() ? resolve() : wss.once('listening', () => resolve())));
  bare = {
    wss,
    close: () =>
      new Promise<void>((resolve) => {
        for (const v of viewers) v.terminate();
        wss.close(() => resolve());
      }),
  };
  return (wss.address() as AddressInfo).port;
}

const gc = (globalThis as { gc?: () => void }).gc;

serveRpc({
  async start(args: StartArgs) {
    const port = args.kind === 'bare' ? await startBare() : await startBoard(args);
    return { port, pid: process.pid };
  },
  cpu() {
    const u = process.cpuUsage();
    return { us: u.user + u.system, sysUs: u.system, errors };
  },
  /** Memory after two full collections, so the figure is live data and not garbage. */
  mem() {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, gc: gc !== undefined };
  },
  sockets() {
    return { sockets: board ? board.io.of('/').sockets.size : 0 };
  },
  async exit() {
    setTimeout(() => process.exit(0), 3_000).unref();
    try {
      if (board) await board.close();
      if (bare) await bare.close();
    } finally {
      setImmediate(() => process.exit(0));
    }
  },
});
