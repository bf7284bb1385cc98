/**
 * `post:transcript`: validate → facilitator of the post, within the moderation
 * budget → a one-minute
 * download link (download-ticket.ts) → ack. The file comes over HTTP.
 */
import { TranscriptRequest, type TranscriptLink } from '@board/shared';
import type { Store } from '../store/types.js';
import { requireFacilitator } from '../moderation/authorize.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { TicketSigner } from './download-ticket.js';

export function registerTranscriptHandlers(socket: BoardSocket, deps: { store: Store; tickets: TicketSigner; ctx: HandlerContext }): void {
  const { store, tickets, ctx } = deps;
  socket.on(
    'post:transcript',
    handle(socket, 'post:transcript', TranscriptRequest, async ({ postId, format }, reply: (r: TranscriptLink) => void) => {
      await requireFacilitator(store, socket, postId);
      // A transcript reads the whole discussion: links come out of the moderation budget.
      await ctx.limits.consume('mod', socket);
      const ticket = tickets.sign(postId, socket.data.user.id);
      reply({ url: `/api/posts/${encodeURIComponent(postId)}/transcript?format=${format}&ticket=${encodeURIComponent(ticket)}` });
    }, ctx),
  );
}
