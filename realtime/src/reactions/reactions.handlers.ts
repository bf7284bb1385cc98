import { AppError, SetReactionRequest, type ReactionCounts } from '@board/shared';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { ReactionCoalescer } from './reaction-coalescer.js';

const REFUSALS = {
  NOT_FOUND: 'That comment no longer exists',
  LOCKED: 'This discussion is locked: reactions are paused',
  FORBIDDEN: 'A facilitator removed you from this discussion',
} as const;

export function registerReactionHandlers(socket: BoardSocket, deps: { coalescer: ReactionCoalescer; ctx: HandlerContext }): void {
  const { coalescer, ctx } = deps;

  socket.on(
    'reaction:set',
    handle(
      socket,
      'reaction:set',
      SetReactionRequest,
      async (req, reply: (r: { active: boolean; counts: ReactionCounts }) => void) => {
        const limited = ctx.limits.consume('reaction', socket);
        if (limited) await limited;
        // act: the coalescer stores it with the rest of this window's clicks and
        // broadcasts the batch's totals; we resume once it is stored.
        const result = await coalescer.submit(req.postId, {
          commentId: req.commentId,
          kind: req.kind,
          userId: socket.data.user.id,
          active: req.active,
        });
        if (!result.ok) throw new AppError(result.code, REFUSALS[result.code]);
        reply({ active: result.active, counts: result.counts });
      },
      ctx,
    ),
  );
}
