/**
 * `post:digest`: validate → within the page budget, of a joined post only →
 * read the digest → ack. Nothing is broadcast: it is one viewer's catch-up.
 */
import { DigestRequest, type Digest } from '@board/shared';
import { readerOf } from '../posts/reader.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import { digestFor } from './digest.js';

export function registerDigestHandlers(socket: BoardSocket, deps: { store: Store; ctx: HandlerContext; readMax: number }): void {
  const { store, ctx, readMax } = deps;
  socket.on(
    'post:digest',
    handle(socket, 'post:digest', DigestRequest, async ({ postId, sinceSeq }, reply: (r: Digest) => void) => {
      // A digest reads up to readMax comments: budgeted like a page.
      reply(await digestFor(store, postId, sinceSeq, await readerOf(socket, postId, { store, ctx }), readMax));
    }, ctx),
  );
}
