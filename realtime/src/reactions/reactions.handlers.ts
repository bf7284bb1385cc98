import { AppError, SetReactionRequest, type ReactionSetResult, type Result } from '@board/shared';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { ReactionCoalescer } from './reaction-coalescer.js';
import type { Receipts } from './receipts.js';

const REFUSALS = {
  NOT_FOUND: 'That comment no longer exists',
  LOCKED: 'This discussion is locked: reactions are paused',
  FORBIDDEN: 'A facilitator removed you from this discussion',
} as const;

/** The client's number for a click, if the payload carries a usable one (even when the rest of it is bad). */
function refOf(raw: unknown): number | null {
  const ref = typeof raw === 'object' && raw !== null ? (raw as { ref?: unknown }).ref : undefined;
  const parsed = SetReactionRequest.shape.ref.safeParse(ref);
  return parsed.success ? (parsed.data ?? null) : null;
}

export function registerReactionHandlers(
  socket: BoardSocket,
  deps: { coalescer: ReactionCoalescer; receipts: Receipts; ctx: HandlerContext },
): void {
  const { coalescer, receipts, ctx } = deps;

  socket.on(
    'reaction:set',
    handle(
      socket,
      'reaction:set',
      SetReactionRequest,
      async (req, reply: (r: ReactionSetResult) => void) => {
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
        reply({ active: result.active, counts: result.counts, seq: result.seq });
      },
      ctx,
      // No ack asked for: the answer travels in the connection's next receipts frame.
      (res, raw) => receipts.add(socket, { ref: refOf(raw), result: res as Result<ReactionSetResult> }),
    ),
  );
}
