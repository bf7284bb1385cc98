/**
 * `post:transcript`: validate → facilitator of the post, within the moderation
 * budget → a one-minute
 * download link (download-ticket.ts) → ack. The file comes over HTTP.
 */
import { TranscriptRequest, type TranscriptLink } from '@board/shared';
import type { Store } from '../store/types.js';
import { authorizeModeration } from '../moderation/authorize.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { TicketSigner } from './download-ticket.js';

export function registerTranscriptHandlers(socket: BoardSocket, deps: { store: Store; tickets: TicketSigner; ctx: HandlerContext }): void {
  const { store, tickets, ctx } = deps;
  socket.on(
    'post:transcript',
    handle(socket, 'post:transcript', TranscriptRequest, async ({ postId, format }, reply: (r: TranscriptLink) => void) => {
      // A transcript reads the whole discussion: links come out of the moderation budget.
      await authorizeModeration(store, socket, postId, ctx.limits);
      const ticket = tickets.sign(postId, socket.data.user.id);
      reply({ url: `/api/posts/${encodeURIComponent(postId)}/transcript?format=${format}&ticket=${encodeURIComponent(ticket)}` });
    }, ctx),
  );
}
