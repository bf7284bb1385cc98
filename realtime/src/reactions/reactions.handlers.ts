import { SetReactionRequest, type ReactionSetResult, type Result } from '@board/shared';
import { handleNow, type Call, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { ClickAnswer, ReactionPipeline, ReceiptBox } from './reaction-pipeline.js';

/** The client's number for a click, if the payload carries a usable one (even when the rest of it is bad). */
function refOf(raw: unknown): number | null {
  const ref = typeof raw === 'object' && raw !== null ? (raw as { ref?: unknown }).ref : undefined;
  const parsed = SetReactionRequest.shape.ref.safeParse(ref);
  return parsed.success ? (parsed.data ?? null) : null;
}

export function registerReactionHandlers(socket: BoardSocket, deps: { pipeline: ReactionPipeline; ctx: HandlerContext }): void {
  const { pipeline, ctx } = deps;
  // Ack-less clicks (the web client) are answered together, one frame per flush.
  const receipts: ReceiptBox = { send: (batch) => socket.emit('reaction:receipts', batch) };

  socket.on(
    'reaction:set',
    // validate (handleNow parses; a bad ack-less click is answered in a receipts frame of its own)
    handleNow(
      socket,
      'reaction:set',
      SetReactionRequest,
      (req, call: Call<ReactionSetResult>) => {
        ctx.guard.reaction(socket, req); // name, removal by address, per-address budget: limits/identity-guard.ts
        const limited = ctx.limits.consume('reaction', socket);
        // A guest's click on a post that lets only verified people react: VERIFIED_REQUIRED (sso/identity-gate.ts).
        const gated = ctx.identity.reactionCheck(socket, req.postId);
        const wait = limited && gated ? Promise.all([limited, gated]) : (limited ?? gated);
        if (wait) wait.then(() => submit(req, call), (err: unknown) => call.answer(err));
        else submit(req, call);
      },
      ctx,
      // answer a refused click that has no ack (bad payload, over its budget) at once, under its ref
      (res, raw) => socket.emit('reaction:receipts', [{ ref: refOf(raw), result: res as Result<ReactionSetResult> }]),
    ),
  );

  function submit(req: SetReactionRequest, call: Call<ReactionSetResult>): void {
    // act: stored with the rest of this post's window, then answered, after its totals are broadcast.
    // Stamped with the server's clock now (a press counts into the pulse at the event time then);
    // the request schema has no stamp field, so a client's own is dropped in parsing.
    const op = { commentId: req.commentId, kind: req.kind, userId: socket.data.user.id, active: req.active, at: Date.now() };
    const answer: ClickAnswer = call.hasAck ? { ack: (res) => call.send(res) } : { receipts, ref: req.ref ?? null };
    pipeline.submit(req.postId, op, answer);
  }
}
