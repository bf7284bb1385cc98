/**
 * `post:range`: watch later reads a joined post by moment range, a page at a
 * time, so a replaying client never receives what lies ahead of its playhead's
 * prefetch window (ADR 19). Validate → authorize → read → ack.
 */
import { RangeRequest, type RangePage } from '@board/shared';
import { readerOf } from '../posts/reader.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import { rangeFor } from './ranges.js';

export function registerReplayHandlers(socket: BoardSocket, deps: { store: Store; ctx: HandlerContext; pageSize: number }): void {
  const { store, ctx, pageSize } = deps;

  socket.on(
    'post:range',
    handle(socket, 'post:range', RangeRequest, async ({ postId, fromMs, toMs, cursor }, reply: (r: RangePage) => void) => {
      // Like every read of more of a post: within the page budget, of a joined post, redacted for the role now.
      reply(await rangeFor(store, postId, await readerOf(socket, postId, { store, ctx }), { fromMs, toMs, cursor }, pageSize));
    }, ctx),
  );
}
