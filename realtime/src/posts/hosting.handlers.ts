/**
 * Starting a discussion and who hosts it. The creator is the first facilitator
 * and gets a secret link; whoever opens it becomes a co-facilitator. Any
 * facilitator can list the co-hosts, take the role back from one (never from
 * the creator), and replace the link (the old one stops working; those who
 * hold the role keep it).
 */
import {
  AppError,
  ClaimFacilitatorRequest,
  CreatePostRequest,
  HostsRequest,
  RemoveHostRequest,
  RotateLinkRequest,
  rooms,
  type CoHost,
  type CreatedPost,
  type Role,
} from '@board/shared';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import { hashToken, newFacilitatorToken, tokenMatches } from '../moderation/facilitator-token.js';
import { authorizeModeration, logAction, requireFacilitator } from '../moderation/authorize.js';

export function registerHostingHandlers(socket: BoardSocket, deps: { io: BoardServer; store: Store; ctx: HandlerContext }): void {
  const { io, store, ctx } = deps;

  socket.on(
    'post:create',
    handle(socket, 'post:create', CreatePostRequest, async (input, reply: (r: CreatedPost) => void) => {
      if (!socket.data.user.name) throw new AppError('INVALID', 'Choose a display name before starting a discussion');
      await ctx.limits.consume('create', socket);
      const facilitatorToken = newFacilitatorToken();
      const record = await store.createPost({
        ...input,
        hostId: socket.data.user.id,
        hostName: socket.data.user.name,
        hostTokenHash: hashToken(facilitatorToken),
      });
      const post = { ...record, viewers: 0 };
      await ctx.guard.noteFacilitator(record.id, socket.data.user.name);
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
      if (!tokenMatches(token, await store.hostTokenHash(postId))) {
        // Only failed guesses count, per post and address: a guesser next door
        // cannot lock the real link out, and the right secret always gets in.
        await ctx.limits.consume('claim', socket, postId);
        throw new AppError('FORBIDDEN', 'This facilitator link is not valid for this discussion');
      }
      const before = await store.role(postId, socket.data.user.id);
      await store.addHost(postId, socket.data.user.id, socket.data.user.name ?? undefined);
      await ctx.guard.noteFacilitator(postId, socket.data.user.name);
      reply({ role: 'facilitator' });
      if (before === 'facilitator') return;
      io.to(rooms.user(socket.data.user.id)).emit('post:role', postId, 'facilitator');
      await logAction(store, socket, postId, 'claim', socket.data.user.id);
    }, ctx),
  );

  socket.on(
    'mod:hosts',
    handle(socket, 'mod:hosts', HostsRequest, async ({ postId }, reply: (r: CoHost[]) => void) => {
      await requireFacilitator(store, socket, postId);
      reply(await store.hosts(postId));
    }, ctx),
  );

  socket.on(
    'mod:remove-host',
    handle(socket, 'mod:remove-host', RemoveHostRequest, async ({ postId, userId }, reply: (r: null) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const name = (await store.hosts(postId)).find((h) => h.id === userId)?.name ?? null;
      if (!(await store.removeHost(postId, userId))) throw new AppError('NOT_FOUND', 'That person is not a facilitator of this discussion');
      reply(null);
      // Their open pages on every node rejoin with the participant's view.
      io.to(rooms.user(userId)).emit('post:role', postId, 'participant');
      await logAction(store, socket, postId, 'remove-host', userId, name);
    }, ctx),
  );

  socket.on(
    'mod:rotate-link',
    handle(socket, 'mod:rotate-link', RotateLinkRequest, async ({ postId }, reply: (r: { facilitatorToken: string }) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const facilitatorToken = newFacilitatorToken();
      await store.setHostTokenHash(postId, hashToken(facilitatorToken));
      reply({ facilitatorToken });
      await logAction(store, socket, postId, 'rotate-link', null);
    }, ctx),
  );
}
