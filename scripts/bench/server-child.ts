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
import { PerformanceObserver } from 'node:perf_hooks';
import { createServer } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, WebSocket } from 'ws';
import { configFrom, createRealtime, loadWebHandler, seedBigPost, silentLog, type Log, type Realtime } from '@board/realtime';
import { freePort } from '../lib/redis-server.js';
import { serveRpc } from './rpc.js';
import { BENCH_POST_ID } from './wire.js';
import type { GcPauses } from './results.js';

interface StartArgs {
  /** board: the service; bare: a plain `ws` server (the yardstick); bare-sio: a Socket.IO server with nothing added. */
  kind: 'board' | 'bare' | 'bare-sio';
  redisUrl?: string;
  redisPrefix?: string;
  nodeId?: string;
  /** Create the bench post (only one node of a cluster does). */
  createPost?: boolean;
  /** Create it with its event live (clock running from now): presses are stamped and counted into the pulse. */
  eventLive?: boolean;
  sessionSecret?: string;
  /** RATE_LIMIT_FACTOR for the service: every simulated person shares 127.0.0.1, so per-IP budgets need room. */
  rateLimitFactor: number;
  /** Also serve the board's pages from this built SvelteKit handler (web/build/handler.js), as `pnpm start` does. */
  webHandler?: string;
  /** The post page's shared copy, ms (PAGE_CACHE_MS); absent: the service's default. */
  pageCacheMs?: number;
  /** More settings for the service (config.ts names), for a section that compares two values in one run. */
  env?: Record<string, string>;
}

let errors = 0;
const log: Log = {
  ...silentLog,
  error: (m, e) => {
    // Print the first few in full; count the rest (a storm of the same error would drown the table).
    if (++errors <= 5) console.error(`[server ${process.pid}] ${m}`, e);
  },
  child: () => log,
};

/**
 * This process's garbage-collection pauses since the previous `cpu()` call (which
 * reads and resets them): in a storm a young collection stops the node for tens
 * of ms, and every click read meanwhile waits (docs/benchmarks.md).
 */
let gcPauses: GcPauses = { count: 0, ms: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcPauses.count++;
    gcPauses.ms += e.duration;
    if (e.duration > gcPauses.maxMs) gcPauses.maxMs = e.duration;
  }
}).observe({ entryTypes: ['gc'] });

let board: Realtime | null = null;
let bare: { wss: WebSocketServer; totals(): Record<string, number>; close(): Promise<void> } | null = null;

async function startBoard(args: StartArgs): Promise<number> {
  // The page handler reads the API's address once, when it loads: the port is chosen first.
  const port0 = args.webHandler ? await freePort() : 0;
  if (args.webHandler) process.env.REALTIME_INTERNAL_URL = `http://127.0.0.1:${port0}`;
  const config = configFrom({
    PORT: String(port0),
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    SESSION_SECRET: args.sessionSecret ?? randomBytes(24).toString('base64url'),
    NODE_ID: args.nodeId,
    RATE_LIMIT_FACTOR: String(args.rateLimitFactor),
    ...(args.pageCacheMs !== undefined ? { PAGE_CACHE_MS: String(args.pageCacheMs) } : {}),
    ...(args.redisUrl ? { REDIS_URL: args.redisUrl, REDIS_PREFIX: args.redisPrefix ?? 'bench:' } : {}),
    ...args.env,
  });
  const webHandler = args.webHandler ? await loadWebHandler(args.webHandler, log) : undefined;
  board = createRealtime(config, { log, webHandler });
  const port = await board.listen(port0, '127.0.0.1');
  if (args.createPost) {
    // Typed loosely: the post shape grows (schedules, settings) and every new field has a default.
    const clock = args.eventLive ? { state: 'live', positionMs: 0, changedAt: Date.now(), lengthMs: null } : null;
    const post = { id: BENCH_POST_ID, title: 'Bench', description: '', body: '', scheduledAt: null, clock };
    await board.store.createPost(post as Parameters<Realtime['store']['createPost']>[0]);
  }
  return port;
}

/**
 * Socket.IO as it comes (WebSocket transport only, no middleware, no handlers):
 * what a connection costs the library before the board adds anything (arrival.ts).
 */
async function startBareSocketIo(): Promise<number> {
  const http = createServer();
  const io = new SocketIoServer(http, { transports: ['websocket'], perMessageDeflate: false });
  io.on('connection', () => {});
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
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
    ws.on('message', (data) => storm.click(ws, data as Buffer));
  });
  const storm = bareStorm(viewers);
  await new Promise<void>((resolve) => (wss.address() ? resolve() : wss.once('listening', () => resolve())));
  bare = {
    wss,
    totals: () => storm.totals,
    close: () =>
      new Promise<void>((resolve) => {
        storm.stop();
        for (const v of viewers) v.terminate();
        wss.close(() => resolve());
      }),
  };
  return (wss.address() as AddressInfo).port;
}

/** What the bare storm keeps per viewer: its settings (bit per kind) and the receipts of this window. */
interface BareClicker {
  pressed: number;
  /** Encoded receipts of this window: `{"ref":N,"result":{"ok":true,"data":{"active":B}}}` */
  waiting: string[];
}

/**
 * The storm's yardstick: the least a single-threaded ws server can do for the
 * reaction burst, on the board's protocol. A click is JSON-parsed and counted
 * (one setting per viewer and kind, so totals stay exact); every BARE_WINDOW_MS
 * the totals are encoded once and written to every viewer, then each viewer
 * that clicked gets one receipts frame, as the board's pipeline does. No
 * validation, identities, limits, storage or Socket.IO: a floor, not a service.
 */
const BARE_WINDOW_MS = 100;

function bareStorm(viewers: Set<WebSocket>) {
  const kinds = ['like', 'love', 'laugh', 'wow'];
  const totals: Record<string, number> = { like: 0, love: 0, laugh: 0, wow: 0 };
  const clickers = new WeakMap<WebSocket, BareClicker>();
  /** Viewers with receipts waiting in this window. */
  const clicking = new Set<WebSocket>();
  let version = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    version += 1;
    const frame = Buffer.from(`42${JSON.stringify(['post:totals', BENCH_POST_ID, { version, totals: [{ commentId: 'bare', counts: totals }] }])}`);
    for (const v of viewers) v.send(frame, { binary: false });
    for (const v of clicking) {
      const c = clickers.get(v)!;
      if (v.readyState === WebSocket.OPEN) v.send(`42["reaction:receipts",[${c.waiting.join(',')}]]`, { binary: false });
      c.waiting = [];
    }
    clicking.clear();
  };

  return {
    totals,
    click(ws: WebSocket, data: Buffer) {
      // 42["reaction:set",{...}]
      const [, req] = JSON.parse(data.toString('utf8', 2)) as [string, { kind: string; active: boolean; ref: number }];
      const k = kinds.indexOf(req.kind);
      if (k === -1) return;
      let c = clickers.get(ws);
      if (!c) clickers.set(ws, (c = { pressed: 0, waiting: [] }));
      const bit = 1 << k;
      if (((c.pressed & bit) !== 0) !== req.active) {
        c.pressed ^= bit;
        totals[req.kind]! += req.active ? 1 : -1;
      }
      c.waiting.push(`{"ref":${req.ref},"result":{"ok":true,"data":{"active":${req.active}}}}`);
      clicking.add(ws);
      timer ??= setTimeout(flush, BARE_WINDOW_MS);
    },
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

serveRpc({
  async start(args: StartArgs) {
    const port = args.kind === 'bare' ? await startBare() : args.kind === 'bare-sio' ? await startBareSocketIo() : await startBoard(args);
    return { port, pid: process.pid };
  },
  cpu() {
    const u = process.cpuUsage();
    const gc = gcPauses;
    gcPauses = { count: 0, ms: 0, maxMs: 0 };
    return { us: u.user + u.system, sysUs: u.system, errors, gc };
  },
  /** Memory after two full collections, so the figure is live data and not garbage. */
  mem() {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, gc: gc !== undefined };
  },
  /** The bare storm's totals, to check against the clicks the load generator had answered. */
  bareTotals() {
    return bare ? { ...bare.totals() } : null;
  },
  /** Writes a history of `comments` comments (threads, replies, reactions) as the bench post, straight through the store. */
  async seed(args: { comments: number }) {
    if (!board) throw new Error('seed: no board');
    await seedBigPost(board.store, { comments: args.comments, postId: BENCH_POST_ID });
    return {};
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
