/**
 * The reaction path: one flush per post per window.
 *
 * The first click on a quiet post opens a window of `flushMs`; clicks on that
 * post collect until it ends, the last setting per (person, comment, kind)
 * winning. Then, in this order: one store call for up to `maxBatch` settings
 * (one Lua script on Redis); one broadcast of the changed comments' absolute
 * totals to the post's room (unsequenced, versioned), with the pulse buckets
 * the store lets out now (presses are counted into the pulse in the same
 * write; pulse/pulse-relay.ts sends the rest later); every click answered,
 * through its own ack or in one `reaction:receipts` frame per connection. At
 * most one flush per post is in flight, so batches reach the store in order,
 * and the next window opens when a flush ends. A failed store call answers
 * every click of its batch with the error and broadcasts nothing.
 */
import { fail, type PostTotals, type PulseBucket, type ReactionReceipt, type ReactionSetResult, type Result } from '@board/shared';
import type { PulseOut, ReactionBatchResult, ReactionOp, ReactionOpResult, Store } from '../store/types.js';
import { toFailure, type Log } from '../socket/handle.js';
import type { Metrics } from '../metrics/metrics.js';

/** A connection's receipts: filled with one frame per flush that answers its clicks. */
export interface ReceiptBox {
  send(receipts: ReactionReceipt[]): void;
}

/** Where a click's answer goes: its own ack, or its connection's receipts frame under the client's `ref`. */
export type ClickAnswer = { ack: (res: Result<ReactionSetResult>) => void } | { receipts: ReceiptBox; ref: number | null };

export interface ReactionPipeline {
  /** Queues one setting; it is answered once its flush is stored (or failed). */
  submit(postId: string, op: ReactionOp, answer: ClickAnswer): void;
  /** Stores everything pending now and answers it; later clicks are refused (shutdown). */
  drain(): Promise<void>;
}

export interface ReactionPipelineOptions {
  store: Pick<Store, 'applyReactions'>;
  /** Collection window per post, ms (REACTION_FLUSH_MS). */
  flushMs: number;
  /** Most settings per store call (REACTION_MAX_BATCH). */
  maxBatch: number;
  /** Sends a flush's totals to everyone viewing the post (Socket.IO room broadcast). */
  broadcast(postId: string, totals: PostTotals): void;
  /** The pulse buckets a flush may carry now, if any (PulseRelay.outcome); none when absent. */
  pulse?(postId: string, out: PulseOut): PulseBucket[] | undefined;
  log: Log;
  /** Presses, flushes, batch sizes and flush durations (optional in unit tests). */
  metrics?: Metrics;
}

const REFUSALS = {
  NOT_FOUND: 'That comment no longer exists',
  LOCKED: 'This discussion is locked: reactions are paused',
  FORBIDDEN: 'A facilitator removed you from this discussion',
} as const;

/** One (person, comment, kind) in a window: the latest setting, and everyone who asked for it. */
interface Setting {
  op: ReactionOp;
  answers: ClickAnswer[];
}

interface PostQueue {
  /** By `${userId}|${commentId}|${kind}`, in the order each was first clicked. */
  pending: Map<string, Setting>;
  timer: ReturnType<typeof setTimeout> | null;
  flushing: Promise<void> | null;
}

export function createReactionPipeline(opts: ReactionPipelineOptions): ReactionPipeline {
  const { store, flushMs, maxBatch, broadcast, log, metrics } = opts;
  const pulseOf = opts.pulse ?? (() => undefined);
  const queues = new Map<string, PostQueue>();
  let closed = false;

  const schedule = (postId: string, q: PostQueue) => {
    if (q.timer || q.flushing || closed) return;
    q.timer = setTimeout(() => {
      q.timer = null;
      q.flushing = flush(postId, q).finally(() => {
        q.flushing = null;
        if (q.pending.size > 0) schedule(postId, q);
        else queues.delete(postId);
      });
    }, flushMs);
  };

  /** Takes up to maxBatch settings, oldest first; the rest stay for the next window. */
  const take = (q: PostQueue): Setting[] => {
    const batch: Setting[] = [];
    for (const [key, setting] of q.pending) {
      if (batch.length === maxBatch) break;
      batch.push(setting);
      q.pending.delete(key);
    }
    return batch;
  };

  const flush = async (postId: string, q: PostQueue): Promise<void> => {
    const batch = take(q);
    const endTimer = metrics?.reactionFlushSeconds.startTimer();
    metrics?.reactionFlushSize.observe(batch.length);
    let stored: ReactionBatchResult;
    try {
      stored = await store.applyReactions(
        postId,
        batch.map((s) => s.op),
      );
    } catch (err) {
      metrics?.reactionFlushes.inc({ result: 'failed' });
      return answerAll(batch, toFailure(err, log, `reaction flush of post ${postId}`));
    }
    const pulse = stored.pulse ? pulseOf(postId, stored.pulse) : undefined;
    if (stored.totals.length > 0 || pulse) {
      safely(() => broadcast(postId, pulse ? { version: stored.version, totals: stored.totals, pulse } : { version: stored.version, totals: stored.totals }));
    }
    answerAll(batch, stored);
    metrics?.reactionFlushes.inc({ result: 'stored' });
    endTimer?.();
  };

  /** Acks per click; receipts in one frame per connection, in the order the settings were stored. */
  const answerAll = (batch: Setting[], outcome: ReactionBatchResult | Result<never>) => {
    const stored = 'results' in outcome ? outcome : null;
    // Ops on one comment with one setting share a result object (store/types.ts), and so do their answers.
    const answers = new Map<ReactionOpResult, Result<ReactionSetResult>>();
    const answerOf = (r: ReactionOpResult, version: number): Result<ReactionSetResult> => {
      let res = answers.get(r);
      if (!res) answers.set(r, (res = r.ok ? { ok: true, data: { active: r.active, counts: r.counts, version } } : fail(r.code, REFUSALS[r.code])));
      return res;
    };
    const frames = new Map<ReceiptBox, ReactionReceipt[]>();
    batch.forEach((setting, i) => {
      const result = stored ? answerOf(stored.results[i]!, stored.version) : (outcome as Result<never>);
      for (const answer of setting.answers) {
        if ('ack' in answer) safely(() => answer.ack(result));
        else {
          let frame = frames.get(answer.receipts);
          if (!frame) frames.set(answer.receipts, (frame = []));
          frame.push({ ref: answer.ref, result });
        }
      }
    });
    for (const [box, receipts] of frames) safely(() => box.send(receipts));
  };

  /** A send that throws must not keep the rest of the batch from their answers. */
  const safely = (send: () => void) => {
    try {
      send();
    } catch (err) {
      log.error('Answering a reaction failed', err);
    }
  };

  return {
    submit(postId, op, answer) {
      metrics?.reactionPresses.inc();
      if (closed) {
        const refused = fail('UNAVAILABLE', 'This node is shutting down; nothing was saved. Try again.');
        return answerAll([{ op, answers: [answer] }], refused);
      }
      let q = queues.get(postId);
      if (!q) queues.set(postId, (q = { pending: new Map(), timer: null, flushing: null }));
      const key = `${op.userId}|${op.commentId}|${op.kind}`;
      const setting = q.pending.get(key);
      if (setting) {
        setting.op = op;
        setting.answers.push(answer);
      } else q.pending.set(key, { op, answers: [answer] });
      schedule(postId, q);
    },

    async drain() {
      closed = true;
      for (const [postId, q] of [...queues]) {
        if (q.timer) clearTimeout(q.timer);
        q.timer = null;
        // A running flush does not schedule another once closed: the rest is flushed here.
        await q.flushing;
        while (q.pending.size > 0) await flush(postId, q);
        queues.delete(postId);
      }
    },
  };
}
