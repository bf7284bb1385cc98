/**
 * Turns a storm of reaction clicks into a few storage writes and broadcasts.
 *
 * Per post, settings are collected for up to `flushMs`; then the whole batch is
 * one store call (one Lua script on Redis) and one broadcast of absolute totals.
 * The first click after a quiet spell is flushed at once, so a lone reaction
 * feels instant; under load there are at most 1000/flushMs flushes per post per
 * second. Within a batch the last setting per (person, comment, kind) wins, and
 * everyone who asked gets the final state. At most one flush per post is in
 * flight, so batches reach the store in order.
 */
import type { CommentTotals } from '@board/shared';
import type { ReactionOp, ReactionOpResult, Store } from '../store/types.js';

/** One setting's outcome, with the sequence number of its batch's event (null: the batch changed nothing). */
export type SubmittedReaction = ReactionOpResult & { seq: number | null };

interface Waiting {
  op: ReactionOp;
  resolve: Array<(r: SubmittedReaction) => void>;
  reject: Array<(e: unknown) => void>;
}

interface PostQueue {
  pending: Map<string, Waiting>;
  timer: ReturnType<typeof setTimeout> | null;
  inFlight: Promise<void> | null;
  lastFlushAt: number;
  /** The timer is only the idle clean-up, not a pending flush. */
  idle: boolean;
}

export interface ReactionCoalescerOptions {
  store: Store;
  /** Batching window per post, ms. */
  flushMs: number;
  /** Called after each stored batch that changed something. */
  onBatch: (postId: string, seq: number, totals: CommentTotals[]) => void;
  /**
   * Most settings in one store call; the rest go in the next. Large on purpose:
   * a window that starts late (busy event loop) must take its whole backlog, or
   * a post clicked faster than maxBatch per window never catches up. 10,000 is
   * one Lua script of a few ms on Redis.
   */
  maxBatch?: number;
}

export interface ReactionCoalescer {
  submit(postId: string, op: ReactionOp): Promise<SubmittedReaction>;
  /** Stores everything pending now (shutdown, tests). */
  drain(): Promise<void>;
}

export function createReactionCoalescer(opts: ReactionCoalescerOptions): ReactionCoalescer {
  const { store, flushMs, onBatch } = opts;
  const maxBatch = opts.maxBatch ?? 10_000;
  const queues = new Map<string, PostQueue>();

  const schedule = (postId: string, q: PostQueue) => {
    if (q.inFlight || q.pending.size === 0) return;
    if (q.timer && !q.idle) return;
    if (q.timer) clearTimeout(q.timer);
    q.idle = false;
    const wait = Math.max(0, q.lastFlushAt + flushMs - Date.now());
    q.timer = setTimeout(() => {
      q.timer = null;
      void flush(postId, q);
    }, wait);
  };

  const flush = async (postId: string, q: PostQueue): Promise<void> => {
    if (q.inFlight || q.pending.size === 0) return;
    const batch: Waiting[] = [];
    for (const [key, w] of q.pending) {
      batch.push(w);
      q.pending.delete(key);
      if (batch.length >= maxBatch) break;
    }
    q.lastFlushAt = Date.now();
    q.inFlight = (async () => {
      try {
        const result = await store.applyReactions(
          postId,
          batch.map((w) => w.op),
        );
        if (result.seq !== null) onBatch(postId, result.seq, result.totals);
        batch.forEach((w, i) => {
          const outcome = { ...result.results[i]!, seq: result.seq };
          w.resolve.forEach((r) => r(outcome));
        });
      } catch (err) {
        batch.forEach((w) => w.reject.forEach((r) => r(err)));
      }
    })();
    await q.inFlight;
    q.inFlight = null;
    if (q.pending.size > 0) schedule(postId, q);
    else forgetWhenIdle(postId, q);
  };

  // An empty queue still remembers when it last flushed: forgetting it at once
  // would let the next click flush immediately, doubling the frames of a busy
  // post. It is dropped one window later if nothing came in meanwhile.
  const forgetWhenIdle = (postId: string, q: PostQueue) => {
    if (q.timer) return;
    q.idle = true;
    q.timer = setTimeout(() => {
      q.timer = null;
      q.idle = false;
      if (q.pending.size === 0 && !q.inFlight) queues.delete(postId);
      else schedule(postId, q);
    }, flushMs);
  };

  return {
    submit(postId, op) {
      let q = queues.get(postId);
      if (!q) queues.set(postId, (q = { pending: new Map(), timer: null, inFlight: null, lastFlushAt: 0, idle: false }));
      const key = `${op.userId}|${op.commentId}|${op.kind}`;
      return new Promise<SubmittedReaction>((resolve, reject) => {
        const existing = q.pending.get(key);
        if (existing) {
          existing.op = op;
          existing.resolve.push(resolve);
          existing.reject.push(reject);
        } else {
          q.pending.set(key, { op, resolve: [resolve], reject: [reject] });
        }
        schedule(postId, q);
      });
    },

    async drain() {
      for (const [postId, q] of [...queues]) {
        if (q.timer) clearTimeout(q.timer);
        q.timer = null;
        while (q.inFlight || q.pending.size > 0) {
          if (q.inFlight) await q.inFlight;
          else await flush(postId, q);
        }
      }
    },
  };
}
