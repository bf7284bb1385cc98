/**
 * What the bench sections that run the board inside their own process share:
 * a board on either engine (with its own redis-server), a socket.io-client that
 * has its session, and the "run this file alone" entry.
 */
import { pathToFileURL } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@board/shared';
import { configFrom, createRealtime, silentLog, type Realtime, type RealtimeDeps } from '@board/realtime';
import { startRedisServer } from '../lib/redis-server.js';

/**
 * A board on `engine` (the Redis one on a private redis-server), rate limits off, listening on
 * 127.0.0.1 (`port`, or any), for as long as `fn` runs; then closed with its Redis.
 */
export async function withBoard<T>(
  engine: 'memory' | 'redis',
  fn: (board: { realtime: Realtime; url: string; redisUrl: string | null }) => Promise<T>,
  opts: { port?: number; webHandler?: RealtimeDeps['webHandler'] } = {},
): Promise<T> {
  const redisServer = engine === 'redis' ? await startRedisServer() : null;
  const realtime = createRealtime(
    configFrom({
      RATE_LIMIT_FACTOR: '0',
      SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789',
      ...(redisServer ? { REDIS_URL: redisServer.url, REDIS_PREFIX: 'bench:' } : {}),
    }),
    { log: silentLog, webHandler: opts.webHandler },
  );
  try {
    const url = `http://127.0.0.1:${await realtime.listen(opts.port ?? 0, '127.0.0.1')}`;
    return await fn({ realtime, url, redisUrl: redisServer?.url ?? null });
  } finally {
    await realtime.close();
    await redisServer?.dispose();
  }
}

/** A socket.io-client connected to `url` that has received its session (the server is ready for its requests). */
export async function sessionSocket(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { v: PROTOCOL_VERSION }, forceNew: true, reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  } catch (err) {
    socket.disconnect();
    throw err;
  }
}

/** When `moduleUrl` is the file node was started with: runs the section, prints its table, exits 0 (or 1 with the error). */
export function runAlone<T>(moduleUrl: string, name: string, run: () => Promise<T>, table: (result: T) => string): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  run().then(
    (result) => {
      console.log(table(result));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(`${name} failed:`, err);
      process.exit(1);
    },
  );
}

/** A request with an ack; the answer's data, or an error naming the refusal. */
export async function ask<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const res = (await socket.timeout(30_000).emitWithAck(event, payload)) as { ok: true; data: T } | { ok: false; error: { message: string } };
  if (!res.ok) throw new Error(`${event} refused: ${res.error.message}`);
  return res.data;
}
