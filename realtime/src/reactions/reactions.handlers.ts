import { AppError, SetReactionRequest, type ReactionSetResult, type Result } from '@board/shared';
import { handleNow, type Call, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { ReactionCoalescer, ReactionDone } from './reaction-coalescer.js';
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

/** A stored click's answer (a function of its own, so a click costs no closure). */
const answerClick: ReactionDone<Call<ReactionSetResult>> = (call, err, result, seq) => {
  if (err) call.answer(err);
  else if (!result!.ok) call.answer(new AppError(result!.code, REFUSALS[result!.code]));
  else call.answer(null, { active: result!.active, counts: result!.counts, seq: seq ?? null });
};

export function registerReactionHandlers(
  socket: BoardSocket,
  deps: { coalescer: ReactionCoalescer; receipts: Receipts; ctx: HandlerContext },
): void {
  const { coalescer, receipts, ctx } = deps;

  // The hottest path of a storm: parsed, limited and queued synchronously, with
  // no promise per click (handleNow); answered once its batch is stored.
  socket.on(
    'reaction:set',
    handleNow(
      socket,
      'reaction:set',
      SetReactionRequest,
      (req, call: Call<ReactionSetResult>) => {
        const limited = ctx.limits.consume('reaction', socket);
        if (limited) limited.then(() => submit(req, call), (err: unknown) => call.answer(err));
        else submit(req, call);
      },
      ctx,
      // No ack asked for: the answer travels in the connection's next receipts frame.
      // An accepted click passed the schema, so its ref is already checked.
      (res, raw) =>
        receipts.add(socket, {
          ref: res.ok ? ((raw as SetReactionRequest).ref ?? null) : refOf(raw),
          result: res as Result<ReactionSetResult>,
        }),
    ),
  );

  function submit(req: SetReactionRequest, call: Call<ReactionSetResult>): void {
    // act: the coalescer stores it with the rest of this window's clicks and
    // broadcasts the batch's totals; the answer follows once it is stored.
    const op = { commentId: req.commentId, kind: req.kind, userId: socket.data.user.id, active: req.active };
    coalescer.submit(req.postId, op, answerClick, call);
  }
}
