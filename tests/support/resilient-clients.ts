/**
 * Test clients that behave like the web app under bad networks:
 * - a viewer reconnects by itself and resyncs from its last applied sequence
 *   number (replay), or reloads the snapshot when the gap is too old, applying
 *   every event exactly once and in order through the shared SeqBuffer;
 * - a writer resends a comment with the same client id until it is acked.
 * They count what a person would notice: lost, doubled, out of order.
 */
import { io } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  SeqBuffer,
  type Comment,
  type JoinResult,
  type PostEvent,
  type Result,
} from '@board/shared';
import type { Client } from './clients.js';
import { clientId, readAll } from './clients.js';

export interface ViewerStats {
  /** Comment ids in the order they were applied. */
  applied: string[];
  doubled: number;
  outOfOrder: number;
  snapshots: number;
  replays: number;
  reconnects: number;
}

export interface Viewer {
  socket: Client;
  stats: ViewerStats;
  /** Resolves after the first successful join. */
  ready: Promise<void>;
  seq(): number | null;
  /** Resolves once every id in `ids` has been applied; rejects after `ms`. */
  until(ids: Set<string>, ms?: number): Promise<void>;
  close(): void;
}

function openSocket(url: string): Client {
  return io(url, {
    transports: ['websocket'],
    auth: { v: PROTOCOL_VERSION },
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1_000,
    randomizationFactor: 0.2,
  }) as Client;
}

export function startViewer(url: string, postId: string): Viewer {
  const socket = openSocket(url);
  const stats: ViewerStats = { applied: [], doubled: 0, outOfOrder: 0, snapshots: 0, replays: 0, reconnects: 0 };
  const seen = new Set<string>();
  let lastApplied = 0;
  let lastSeq: number | null = null;
  let waiters: Array<() => void> = [];
  let markReady!: () => void;
  const ready = new Promise<void>((res) => (markReady = res));

  const applyComment = (c: Comment) => {
    if (seen.has(c.id)) stats.doubled++;
    seen.add(c.id);
    stats.applied.push(c.id);
    waiters.forEach((w) => w());
  };
  const buffer = new SeqBuffer<PostEvent>({
    apply: (e) => {
      if (e.seq <= lastApplied) stats.outOfOrder++;
      lastApplied = e.seq;
      lastSeq = e.seq;
      if (e.type === 'comment') applyComment(e.comment);
    },
    onGap: () => void rejoin(),
  });

  const rejoin = async () => {
    buffer.suspend();
    const since = lastSeq ?? undefined;
    let res: Result<JoinResult>;
    try {
      res = await socket.timeout(5_000).emitWithAck('post:join', since === undefined ? { postId } : { postId, sinceSeq: since });
    } catch {
      return; // no answer: the next connect rejoins
    }
    if (!res.ok) return;
    const r = res.data;
    if (r.mode === 'snapshot') {
      stats.snapshots++;
      // A snapshot is the newest page: read the earlier ones as a reader loading them all would,
      // and apply only comments of the snapshot's time this viewer has not shown yet (later ones come as events).
      let all: Comment[];
      try {
        all = await readAll(socket, postId, r.page);
      } catch {
        return; // no answer: the next connect rejoins
      }
      for (const c of all.sort((x, y) => x.seq - y.seq)) if (c.seq <= r.seq && !seen.has(c.id)) applyComment(c);
      lastApplied = r.seq;
      lastSeq = r.seq;
      buffer.reset(r.seq);
    } else {
      stats.replays++;
      buffer.reset(since!);
      buffer.push(r.events);
    }
    markReady();
  };

  let connectedOnce = false;
  socket.on('connect', () => {
    if (connectedOnce) stats.reconnects++;
    connectedOnce = true;
    void rejoin();
  });
  socket.on('disconnect', (reason) => {
    // A server that shuts down says so; Socket.IO does not retry that by itself.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('post:events', (id, events) => {
    if (id === postId) buffer.push(events);
  });
  socket.on('post:head', (id, seq) => {
    if (id === postId) buffer.head(seq);
  });

  return {
    socket,
    stats,
    ready,
    seq: () => lastSeq,
    until(ids, ms = 30_000) {
      const done = () => [...ids].every((id) => seen.has(id));
      if (done()) return Promise.resolve();
      return new Promise((res, rej) => {
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          res();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          rej(new Error(`viewer has ${[...ids].filter((id) => seen.has(id)).length}/${ids.size} comments after ${ms} ms`));
        }, ms);
        waiters.push(check);
      });
    },
    close() {
      buffer.dispose();
      socket.disconnect();
    },
  };
}

export interface Writer {
  socket: Client;
  /** Posts one comment, resending with the same client id until acked; resolves with the stored comment. */
  post(body: string, deadlineMs?: number): Promise<{ comment: Comment; attempts: number }>;
  close(): void;
}

export async function startWriter(url: string, postId: string, name: string): Promise<Writer> {
  const socket = openSocket(url);
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('session', (info) => {
    // Keep the identity across reconnects: the client id is only unique per person.
    socket.auth = { v: PROTOCOL_VERSION, token: info.token };
  });
  await new Promise<void>((res) => socket.once('session', () => res()));
  const renamed = await socket.emitWithAck('session:rename', { name });
  if (!renamed.ok) throw new Error(renamed.error.message);
  socket.auth = { v: PROTOCOL_VERSION, token: renamed.data.token };

  return {
    socket,
    async post(body, deadlineMs = 30_000) {
      const key = clientId();
      const deadline = Date.now() + deadlineMs;
      for (let attempts = 1; ; attempts++) {
        if (!socket.connected) await new Promise<void>((res) => socket.once('connect', () => res()));
        try {
          const res = await socket.timeout(3_000).emitWithAck('comment:create', { postId, body, parentId: null, clientId: key });
          if (res.ok) return { comment: res.data, attempts };
          if (res.error.code !== 'UNAVAILABLE') throw new Error(`${res.error.code}: ${res.error.message}`);
        } catch (err) {
          if (err instanceof Error && /^[A-Z_]+: /.test(err.message)) throw err;
          // no ack in time (node died, connection dropped): resend with the same key
        }
        if (Date.now() > deadline) throw new Error(`comment not acked within ${deadlineMs} ms`);
        await new Promise((r) => setTimeout(r, Math.min(50 * attempts, 500))); // back off before resending
      }
    },
    close: () => void socket.disconnect(),
  };
}
