/**
 * Every HEAD_BEACON_MS, tells each post room on this node the post's latest
 * sequence number. Viewers behind it missed a broadcast (a Redis blip between
 * nodes, a dropped frame) during a quiet moment, when no later event would
 * reveal the gap, and resync. One MGET per tick for all local rooms; each node
 * speaks only to its own sockets, so no adapter traffic.
 *
 * A post this node broadcast ordered events to within the last tick is
 * skipped: its viewers just heard a sequence number, and a later event reveals
 * any gap. (Reaction totals are not sequenced and do not count.)
 */
import { rooms } from '@board/shared';
import type { Store } from '../store/types.js';
import type { Log } from '../socket/handle.js';
import type { BoardServer } from '../socket/types.js';

const POST_ROOM = /^post:(.+)$/;

export function startHeadBeacon(
  io: BoardServer,
  store: Store,
  everyMs: number,
  log: Log,
  sentWithin: (postId: string, ms: number) => boolean,
): () => void {
  const tick = async () => {
    const postIds: string[] = [];
    for (const [room, members] of io.of('/').adapter.rooms) {
      const match = POST_ROOM.exec(room);
      if (match && members.size > 0 && !sentWithin(match[1]!, everyMs)) postIds.push(match[1]!);
    }
    if (postIds.length === 0) return;
    try {
      const heads = await store.heads(postIds);
      for (const postId of postIds) {
        const seq = heads[postId] ?? 0;
        if (seq > 0) io.local.to(rooms.post(postId)).emit('post:head', postId, seq);
      }
    } catch (err) {
      log.error('head beacon', err);
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
