import { AppError, SetReactionRequest, type ReactionCounts, type ReactionSetResult, type Result } from '@board/shared';
import { handleNow, type Call, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import { onDirect } from '../socket/direct-reads.js';
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

/**
 * The answers of one stored batch, by its counts object (the store shares one
 * per comment per batch): [answer for "not pressed", answer for "pressed"].
 */
const sharedAnswers = new WeakMap<ReactionCounts, [Result<ReactionSetResult>?, Result<ReactionSetResult>?]>();

/**
 * The answer to a stored click. Clicks of one batch on one comment get the same
 * answer object: in a storm each waits up to a second for its receipts frame,
 * and an answer object per click was much of what the young-generation
 * collector had to copy (docs/benchmarks.md).
 */
function storedAnswer(active: boolean, counts: ReactionCounts, seq: number | null): Result<ReactionSetResult> {
  let answers = sharedAnswers.get(counts);
  if (!answers) sharedAnswers.set(counts, (answers = []));
  const i = active ? 1 : 0;
  return (answers[i] ??= { ok: true, data: { active, counts, seq } });
}

/** A stored click's answer (a function of its own, so a click costs no closure). */
const answerClick: ReactionDone<Call<ReactionSetResult>> = (call, err, result, seq) => {
  if (err) call.answer(err);
  else if (!result!.ok) call.answer(new AppError(result!.code, REFUSALS[result!.code]));
  else call.send(storedAnswer(result!.active, result!.counts, seq ?? null));
};

export function registerReactionHandlers(
  socket: BoardSocket,
  deps: { coalescer: ReactionCoalescer; receipts: Receipts; ctx: HandlerContext },
): void {
  const { coalescer, receipts, ctx } = deps;

  // The hottest path of a storm: parsed, limited and queued synchronously, with
  // no promise per click (handleNow); answered once its batch is stored.
  onDirect(
    socket,
    'reaction:set',
    handleNow(
      socket,
      'reaction:set',
      SetReactionRequest,
      (req, call: Call<ReactionSetResult>) => {
        ctx.guard.reaction(socket, req); // name, removal by address, per-address budget: limits/identity-guard.ts
        const limited = ctx.limits.consume('reaction', socket);
        if (limited) limited.then(() => submit(req, call), (err: unknown) => call.answer(err));
        else submit(req, call);
      },
      ctx,
      // No ack asked for: the answer travels in the connection's next receipts frame.
      // An accepted click passed the schema, so its ref is already checked.
      (res, raw) =>
        receipts.add(socket, res.ok ? ((raw as SetReactionRequest).ref ?? null) : refOf(raw), res as Result<ReactionSetResult>),
    ),
  );

  function submit(req: SetReactionRequest, call: Call<ReactionSetResult>): void {
    // act: the coalescer stores it with the rest of this window's clicks and
    // broadcasts the batch's totals; the answer follows once it is stored.
    const op = { commentId: req.commentId, kind: req.kind, userId: socket.data.user.id, active: req.active };
    coalescer.submit(req.postId, op, answerClick, call);
  }
}
