/**
 * Starting a discussion and joining its facilitators. The creator is the first
 * facilitator and gets a secret link; whoever opens it becomes a co-facilitator.
 */
import { AppError, ClaimFacilitatorRequest, CreatePostRequest, rooms, type CreatedPost, type Role } from '@board/shared';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import { hashToken, newFacilitatorToken, tokenMatches } from '../moderation/facilitator-token.js';
import { logAction } from '../moderation/authorize.js';

export function registerHostingHandlers(socket: BoardSocket, deps: { io: BoardServer; store: Store; ctx: HandlerContext }): void {
  const { io, store, ctx } = deps;

  socket.on(
    'post:create',
    handle(socket, 'post:create', CreatePostRequest, async (input, reply: (r: CreatedPost) => void) => {
      if (!socket.data.user.name) throw new AppError('INVALID', 'Choose a display name before starting a discussion');
      await ctx.limits.consume('create', socket);
      const facilitatorToken = newFacilitatorToken();
      const record = await store.createPost({ ...input, hostId: socket.data.user.id, hostTokenHash: hashToken(facilitatorToken) });
      const post = { ...record, viewers: 0 };
      reply({ post, facilitatorToken });
      const { body: _body, ...summary } = post;
      io.to(rooms.lobby).emit('lobby:post', {
        id: summary.id,
        title: summary.title,
        description: summary.description,
        createdAt: summary.createdAt,
        commentCount: 0,
        viewers: 0,
        scheduledAt: summary.scheduledAt,
        clock: summary.clock,
      });
    }, ctx),
  );

  socket.on(
    'post:claim',
    handle(socket, 'post:claim', ClaimFacilitatorRequest, async ({ postId, token }, reply: (r: { role: Role }) => void) => {
      await ctx.limits.consume('claim', socket);
      if (!tokenMatches(token, await store.hostTokenHash(postId))) {
        throw new AppError('FORBIDDEN', 'This facilitator link is not valid for this discussion');
      }
      const before = await store.role(postId, socket.data.user.id);
      await store.addHost(postId, socket.data.user.id);
      reply({ role: 'facilitator' });
      if (before === 'facilitator') return;
      io.to(rooms.user(socket.data.user.id)).emit('post:role', postId, 'facilitator');
      await logAction(store, socket, postId, 'claim', socket.data.user.id);
    }, ctx),
  );
}
