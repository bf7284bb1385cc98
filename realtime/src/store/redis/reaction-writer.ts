/**
 * Runs the reaction flush's script on a Redis connection of its own, owned by a
 * worker thread (reaction-writer.worker.js), so that its reply can be taken from
 * the click path.
 *
 * Why: on the main connection a reply waits until the event loop's poll phase
 * reaches that socket, and in a reaction storm the loop goes round thousands of
 * ready client sockets first. On a saturated 2-core AMD EPYC the script ran in
 * 36–109 ms and its reply then waited up to 575 ms to be read (docs/benchmarks.md,
 * 2026-11-30), and the totals of that batch were broadcast only after it. The
 * worker reads the reply at once and bumps a shared counter; every click checks
 * the counter (one atomic read) and takes waiting replies synchronously.
 *
 * The batches of one writer run one after the other on one connection, so
 * they reach Redis in the order they were given. Other commands go on the
 * main connection: a post's sequence numbers are still handed out in Redis, and
 * the broadcaster and the clients order events by them.
 */
import { once } from 'node:events';
import type { RedisOptions } from 'ioredis';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** What the worker needs to open its own connection: plain data, copied to the thread. */
export interface WriterConnection {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  family?: number;
  tls?: object;
  /** Shown by CLIENT LIST, so an operator can tell the writer's connection from the rest. */
  connectionName?: string;
}

/**
 * The writer's connection settings from an ioredis client's: where and as whom it
 * connects. Only data crosses to a thread: a TLS setting's functions (a custom
 * checkServerIdentity, say) are left out, and Node's defaults apply there.
 */
export function writerConnectionOf(o: RedisOptions): WriterConnection {
  const tls = o.tls ? Object.fromEntries(Object.entries(o.tls).filter(([, v]) => typeof v !== 'function')) : undefined;
  return { host: o.host, port: o.port, path: o.path, username: o.username, password: o.password, db: o.db, family: o.family, tls };
}

export interface ReactionWriter {
  /** Runs the script with one key and these arguments; resolves with its reply. */
  run(key: string, argv: string[]): Promise<unknown[]>;
  /** Settles every reply that has arrived. One atomic read when none has. */
  takeReplies(): void;
  close(): Promise<void>;
}

type Reply = { id: number; out: unknown[] } | { id: number; error: { name: string; message: string } };

/** How long close() waits for the worker to quit its connection before stopping it, ms. */
const CLOSE_GRACE_MS = 2_000;

export function createReactionWriter(opts: { connection: WriterConnection; lua: string; command: string }): ReactionWriter {
  /** Replies posted by the worker so far (it bumps [0] after each post). */
  const posted = new Int32Array(new SharedArrayBuffer(4));
  let seen = 0;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (out: unknown[]) => void; reject: (err: Error) => void }>();
  let current: { worker: Worker; port: MessagePort; exited: Promise<unknown> } | null = null;

  const settle = (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    // Held only while something waits: an idle writer never keeps the process alive.
    if (waiting.size === 0) current?.port.unref();
    if ('out' in reply) w.resolve(reply.out);
    else w.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  };

  const rejectAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };

  const drain = (port: MessagePort) => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) settle(m.message as Reply);
  };

  const start = () => {
    const channel = new MessageChannel();
    const worker = new Worker(new URL('./reaction-writer.worker.js', import.meta.url), {
      workerData: { connection: opts.connection, lua: opts.lua, command: opts.command, replies: posted, port: channel.port2 },
      transferList: [channel.port2],
    });
    const self = { worker, port: channel.port1, exited: once(worker, 'exit').catch(() => undefined) };
    channel.port1.on('message', settle);
    channel.port1.unref();
    worker.unref();
    // A thread that dies fails what it was running; the next batch starts a new one.
    const lost = (err: Error) => {
      if (current !== self) return;
      current = null;
      drain(self.port);
      self.port.close();
      rejectAll(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`reaction writer stopped (exit code ${code})`)));
    current = self;
    return self;
  };

  // Started now, not at the first batch: a thread, ioredis loaded in it and a connection take
  // ~280 ms on a 2-core Xeon, and the first reactions after a node started all waited that long
  // for their totals (the bench's first flush waited 308-450 ms; docs/benchmarks.md). Unref'd:
  // an idle writer never keeps the process alive.
  start();

  return {
    run(key, argv) {
      const { port } = current ?? start();
      const id = nextId++;
      return new Promise<unknown[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        if (waiting.size === 1) port.ref();
        port.postMessage({ id, key, argv });
      });
    },

    takeReplies() {
      const n = Atomics.load(posted, 0);
      if (n === seen || !current) return;
      seen = n;
      drain(current.port);
    },

    async close() {
      const self = current;
      if (!self) return;
      current = null;
      self.port.postMessage({ close: true });
      const timer = setTimeout(() => void self.worker.terminate(), CLOSE_GRACE_MS);
      await self.exited;
      clearTimeout(timer);
      self.port.close();
      rejectAll(new Error('Store closed'));
    },
  };
}
