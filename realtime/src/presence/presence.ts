/**
 * "N watching now". Each node counts the sockets in its own post rooms and
 * writes that number to the store under its node id; the total is the sum over
 * live nodes. Changes are flushed at most every `flushMs`, so a crowd joining at
 * once costs a few writes and broadcasts per second, not one per join.
 *
 * Each node sends the count to its own viewers only. A node whose count changed
 * tells the other nodes the new total (one server-side message, not a frame per
 * viewer): sent to the whole room through the adapter, every viewer got the frames
 * of every node, and in a crowd those were a third of a node's socket writes.
 */
import { rooms } from '@board/shared';
import type { Store } from '../store/types.js';
import type { Log } from '../socket/handle.js';
import type { BoardServer } from '../socket/types.js';

export interface PresenceOptions {
  io: BoardServer;
  store: Store;
  nodeId: string;
  log: Log;
  /** Coalescing window for presence and lobby updates, ms. */
  flushMs?: number;
  /** Node liveness heartbeat period, ms; a third of the store's node TTL. */
  heartbeatMs?: number;
  /** Least time between two "N watching now" frames to one post's viewers, ms (PRESENCE_FRAME_MS); 0: every change. */
  frameMs?: number;
  /** Other nodes share the store (the Redis engine): new totals are told to them. */
  peers?: boolean;
}

export interface Presence {
  /** The number of viewers on a post changed on this node. */
  touched(postId: string): void;
  /** Comment count changed: the lobby should hear about it. */
  statsChanged(postId: string): void;
  /** People watching a post now, all nodes: the last count this node read (0 for a post it has no viewers of). */
  watching(postId: string): number;
  /** Flushes pending counts now (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createPresence(opts: PresenceOptions): Presence {
  const { io, store, nodeId, log } = opts;
  const dirtyViewers = new Set<string>();
  const dirtyStats = new Set<string>();
  const lastTotal = new Map<string, number>();
  let flushing: Promise<void> | null = null;

  /** People, not tabs: one person with the post open in three tabs is one viewer. */
  const localCount = (postId: string) => {
    const members = io.of('/').adapter.rooms.get(rooms.post(postId));
    if (!members) return 0;
    const people = new Set<string>();
    for (const socketId of members) {
      const userId = io.of('/').sockets.get(socketId)?.data.user?.id;
      if (userId) people.add(userId);
    }
    return people.size;
  };

  /** The count each post's viewers were last sent, and when (Date.now() ms); a post leaves these maps at 0. */
  const sentTotal = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const due = new Map<string, ReturnType<typeof setTimeout>>();
  const frameMs = opts.frameMs ?? 0;

  /** `again`: send even the count the room last heard (a deferred frame: people who joined since read an older count). */
  const send = (postId: string, again = false) => {
    const total = lastTotal.get(postId) ?? 0;
    if ((!again && sentTotal.get(postId) === total) || (total === 0 && !sentTotal.has(postId))) return;
    if (total === 0) {
      sentTotal.delete(postId);
      sentAt.delete(postId);
    } else {
      sentTotal.set(postId, total);
      sentAt.set(postId, Date.now());
    }
    io.local.to(rooms.post(postId)).emit('presence', { postId, viewers: total });
    io.local.to(rooms.lobby).emit('lobby:stats', { postId, viewers: total });
  };

  /**
   * A new total for a post: sent at once if the room heard none for `frameMs`, else once that
   * time is up, with the latest total then. A crowd arriving changes the count on every flush
   * of every node; each change is a frame to every viewer (5,000 viewers × 4 flushes/s × 2
   * nodes was twice the frames of the comments themselves in the start-of-event rush).
   */
  const publishTotal = (postId: string, total: number, now = false) => {
    if (total === 0) lastTotal.delete(postId);
    else lastTotal.set(postId, total);
    if (now) {
      clearTimeout(due.get(postId));
      due.delete(postId);
      return send(postId);
    }
    if (due.has(postId)) return;
    const wait = (sentAt.get(postId) ?? -Infinity) + frameMs - Date.now();
    if (wait <= 0) return send(postId);
    const timer = setTimeout(() => {
      due.delete(postId);
      send(postId, true);
    }, wait);
    timer.unref();
    due.set(postId, timer);
  };

  /** A total this node read after writing its own count: its viewers and the other nodes' hear it. */
  const publishOwn = (postId: string, total: number, now = false) => {
    publishTotal(postId, total, now);
    if (opts.peers) io.serverSideEmit('presence:total', postId, total);
  };
  const fromPeer = (postId: string, total: number) => publishTotal(postId, total);
  io.on('presence:total', fromPeer);

  const doFlush = async () => {
    const viewerPosts = [...dirtyViewers];
    const statPosts = [...dirtyStats];
    dirtyViewers.clear();
    dirtyStats.clear();
    await Promise.all([
      ...viewerPosts.map(async (postId) => publishOwn(postId, await store.setViewers(nodeId, postId, localCount(postId)))),
      ...statPosts.map(async (postId) => {
        const post = await store.getPost(postId);
        if (post) io.to(rooms.lobby).emit('lobby:stats', { postId, commentCount: post.commentCount });
      }),
    ]);
  };

  const flush = async () => {
    if (flushing) return flushing;
    flushing = doFlush()
      .catch((err: unknown) => log.error('presence flush', err))
      .finally(() => (flushing = null));
    return flushing;
  };

  const flushTimer = setInterval(() => {
    if (dirtyViewers.size + dirtyStats.size > 0) void flush();
  }, opts.flushMs ?? 250);
  flushTimer.unref();

  // Heartbeat keeps this node counted; re-reading totals heals counts left by a node that died.
  const beat = async () => {
    try {
      await store.heartbeat(nodeId);
      const known = [...lastTotal.keys()];
      const totals = await store.viewers(known);
      for (const postId of known) publishTotal(postId, totals[postId] ?? 0);
    } catch (err) {
      log.error('presence heartbeat', err);
    }
  };
  void beat();
  const beatTimer = setInterval(() => void beat(), opts.heartbeatMs ?? 5_000);
  beatTimer.unref();

  return {
    touched: (postId) => void dirtyViewers.add(postId),
    statsChanged: (postId) => void dirtyStats.add(postId),
    watching: (postId) => lastTotal.get(postId) ?? 0,
    flush,
    async close() {
      clearInterval(flushTimer);
      clearInterval(beatTimer);
      io.off('presence:total', fromPeer);
      for (const timer of due.values()) clearTimeout(timer);
      await flushing;
      // This node is going away: its viewers stop counting now, not when its heartbeat expires.
      await Promise.all(
        [...lastTotal.keys()].map(async (postId) => {
          try {
            publishOwn(postId, await store.setViewers(nodeId, postId, 0), true);
          } catch (err) {
            log.error('presence release', err);
          }
        }),
      );
    },
  };
}
