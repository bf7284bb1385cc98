import { AppError, CreateCommentRequest, clampDelay, type Author, type Comment, type User } from '@board/shared';
import type { PostBroadcaster } from '../posts/post-broadcaster.js';
import type { Presence } from '../presence/presence.js';
import type { PulseRelay } from '../pulse/pulse-relay.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import { requireReplayable } from '../replay/ranges.js';

export interface CommentDeps {
  store: Store;
  broadcaster: PostBroadcaster;
  presence: Presence;
  pulse: PulseRelay;
  ctx: HandlerContext;
  /** MAX_VIEWER_DELAY_MS: a writer's stream delay is brought down to this before their comment is stamped. */
  maxViewerDelayMs: number;
}

/** The author as stored: a verified person's host mark and picture travel with each comment. */
function authorOf(user: User, name: string): Author {
  return { id: user.id, name, ...(user.verifiedBy ? { verifiedBy: user.verifiedBy } : {}), ...(user.picture ? { picture: user.picture } : {}) };
}

export function registerCommentHandlers(socket: BoardSocket, deps: CommentDeps): void {
  const { store, broadcaster, presence, pulse, ctx, maxViewerDelayMs } = deps;

  socket.on(
    'comment:create',
    handle(socket, 'comment:create', CreateCommentRequest, async (req, reply: (c: Comment) => void) => {
      // authorize: the name comes from the signed session, never from the payload
      const { name } = socket.data.user;
      if (!name) throw new AppError('INVALID', 'Choose a display name before commenting');
      await ctx.limits.consume('comment', socket);
      await ctx.guard.comment(socket, req.postId);
      await ctx.identity.require(socket, req.postId, 'comment');
      // Written while watching later: only an event that started has a playhead to write at.
      if (req.replayAtMs !== undefined) await requireReplayable(store, req.postId);

      // act: stored (and given its sequence number) before anyone hears of it
      const { comment, duplicate, pulse: counted } = await store.addComment({
        postId: req.postId,
        parentId: req.parentId,
        body: req.body,
        author: authorOf(socket.data.user, name),
        clientId: req.clientId,
        // Stamped with the writer's playhead: the moment they saw, bounded here and by the clock in the store.
        delayMs: clampDelay(req.delayMs ?? 0, maxViewerDelayMs),
        // ...or with their replay playhead, cut by the store to the event time (never later than said live).
        replayAtMs: req.replayAtMs,
      });

      reply(comment);

      // A resend of a stored comment was broadcast the first time; do not repeat it.
      if (!duplicate) {
        broadcaster.send(comment.postId, [{ type: 'comment', seq: comment.seq, comment }]);
        presence.statsChanged(comment.postId);
        // A stamped comment counted into the pulse: its bucket now or with the next pulse frame.
        pulse.send(comment.postId, counted);
      }
    }, ctx),
  );
}
