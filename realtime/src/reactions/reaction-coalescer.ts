/**
 * Turns a storm of reaction clicks into a few storage writes and broadcasts.
 *
 * Per post, settings are collected for up to `flushMs`; then the whole batch is
 * one store call (one Lua script on Redis) and one broadcast of absolute totals.
 * The first click after a quiet spell is flushed at once, so a lone reaction
 * feels instant; under load there are at most 1000/flushMs flushes per post per
 * second, fewer when a flush itself takes long (STRETCH). Within a batch the
 * last setting per (person, comment, kind) wins, and everyone who asked gets
 * the final state. At most one flush per post is in flight, so batches reach
 * the store in order.
 */
import type { CommentTotals } from '@board/shared';
import { MAX_REACTION_BATCH, type ReactionOp, type ReactionOpResult, type Store } from '../store/types.js';

/**
 * Called once per submitted setting, with the context given to `submit`: with
 * the error of its batch, or with its outcome and the sequence number of its
 * batch's event (null: the batch changed nothing).
 */
export type ReactionDone<C> = (context: C, err: unknown, outcome?: ReactionOpResult, seq?: number | null) => void;

interface Asker {
  done: ReactionDone<never>;
  context: unknown;
}

interface Waiting {
  op: ReactionOp;
  /**
   * The first who asked for this (person, comment, kind) in this window, held
   * here rather than in an array of Askers: a storm keeps thousands of these
   * alive through each window and its answers, and every young collection
   * copies them (docs/benchmarks.md).
   */
  done: ReactionDone<never>;
  context: unknown;
  /** Anyone who asked for it again in the same window, in order; null while there is one (nearly always). */
  more: Asker[] | null;
}

interface PostQueue {
  /**
   * Pending settings by person. A person has a few at most, told apart by
   * comment and kind; the person's id is a string Map has hashed before, where
   * a key built per click had to be hashed anew (docs/benchmarks.md).
   *
   * A new map each window, never emptied by deletes. A map that is filled and
   * emptied again and again re-allocates its table as it grows and shrinks, and
   * V8 keeps each outgrown table, with the entries it held, linked to the next
   * (for iterators). Once one of those tables had been promoted to the old
   * generation, every later table and every click it held survived young
   * collections through that link until a full collection: the storm's
   * scavenges then kept 8–10 MB each and paused 30–70 ms instead of 1.4–4 MB
   * and 11–34 ms (docs/benchmarks.md).
   */
  pending: Map<string, Waiting[]>;
  /** Settings in `pending`. */
  size: number;
  timer: ReturnType<typeof setTimeout> | null;
  inFlight: Promise<void> | null;
  lastFlushAt: number;
  /** When the pending flush timer is due (ms since the epoch). */
  dueAt: number;
  /**
   * This node's own time (ms) in each of the last few flushes, oldest first:
   * the store call's synchronous part and the broadcast. The answers are left
   * out: like reading clicks, they cost per click, not per flush.
   */
  recentBusyMs: number[];
  /** The timer is only the idle clean-up, not a pending flush. */
  idle: boolean;
  /** The stored batch whose answers are still being given, if any. */
  answering: AnswerRun | null;
}

interface AnswerRun {
  /** A newer batch is stored and waits: answer the rest of this one at the next turn, in one go. */
  hurry: boolean;
  done: Promise<void>;
  /** Gives the next slice now if the loop has kept it waiting for more than LATE_MS (called per click; `now` from Date.now()). */
  nudge(now: number): void;
}

/** A batch's store call as its answers see it: the result, or what it failed with. */
type Stored = Awaited<ReturnType<Store['applyReactions']>> | { err: unknown };

/**
 * A flush timer this late (ms) means the event loop is reading a backlog of
 * sockets: libuv reads up to 48 × 1,024 ready sockets before it runs timers
 * again, so in a storm a 100 ms window stretched to 0.5–1.2 s. The next click
 * then starts the overdue flush itself, and gives an overdue slice of answers
 * (receipts.ts sends overdue receipts the same way).
 */
export const LATE_MS = 25;

/**
 * The next window is at least this many times a flush's own time, so
 * broadcasting totals to thousands of sockets takes at most about a third of
 * the node's time and reading clicks keeps the rest.
 */
const STRETCH = 3;

/** Settings answered in one go after a flush; then the loop reads sockets before the next slice. */
const ANSWER_SLICE = 1_000;

/** Flushes whose own time sets the window (the median of them). */
const RECENT_FLUSHES = 5;

/**
 * The window after flushes that took `recentBusyMs` (ms, oldest first): STRETCH
 * times their median, and never below `flushMs`. The median and not the last
 * one: a single slow flush (a garbage-collection pause inside the broadcast)
 * tripled the next window, that window's bigger backlog made its own flush slow
 * in turn, and the storm's p99 came from those chains (docs/benchmarks.md).
 */
export function windowAfter(flushMs: number, recentBusyMs: readonly number[]): number {
  if (recentBusyMs.length === 0) return flushMs;
  const sorted = [...recentBusyMs].sort((a, b) => a - b);
  // The lower middle of an even count: with two flushes, one slow one does not count yet.
  const median = sorted[(sorted.length - 1) >> 1]!;
  return Math.max(flushMs, median * STRETCH);
}

export interface ReactionCoalescerOptions {
  store: Store;
  /** Batching window per post, ms. */
  flushMs: number;
  /** Called after each stored batch that changed something. */
  onBatch: (postId: string, seq: number, totals: CommentTotals[]) => void;
  /**
   * Most settings in one store call; the rest go in the next (default
   * MAX_REACTION_BATCH). Large on purpose: a window that starts late (busy event
   * loop) must take its whole backlog. Settings left over wait a whole window
   * more, and in a Redis storm on a slow machine, where windows stretch to
   * ~330 ms and a backlog read in one go can exceed 10,000 settings, a cap of
   * 10,000 was reached every few flushes and set the tail: 40,000 gave a lower
   * p99 in four interleaved rounds out of four (docs/benchmarks.md).
   */
  maxBatch?: number;
}

export interface ReactionCoalescer {
  /**
   * Queues one setting; `done(context, …)` is called once it is stored (or its
   * batch failed). A callback and its context, not a promise or a closure per
   * click: a storm is tens of thousands of these a second.
   */
  submit<C>(postId: string, op: ReactionOp, done: ReactionDone<C>, context: C): void;
  /**
   * Milliseconds until the post's next batch is stored and broadcast (0: it is
   * being stored now, or its flush is overdue), or null when nothing is waiting.
   */
  dueIn(postId: string): number | null;
  /** Stores everything pending now (shutdown, tests). */
  drain(): Promise<void>;
}

/** One answer; a throwing callback must not keep the rest of the batch from theirs. */
function settle(asker: Asker, err: unknown, outcome?: ReactionOpResult, seq?: number | null): void {
  try {
    (asker.done as ReactionDone<unknown>)(asker.context, err, outcome, seq);
  } catch (e) {
    console.error('reaction answer failed', e);
  }
}

/** Answers everyone who asked for one setting: the first, then any more, in order. */
function settleAll(w: Waiting, err: unknown, outcome?: ReactionOpResult, seq?: number | null): void {
  settle(w, err, outcome, seq);
  if (w.more) for (const asker of w.more) settle(asker, err, outcome, seq);
}

/**
 * Answers a stored (or failed) batch once the batch before it is answered: in
 * slices, with the event loop free in between. Thousands of answers in one go
 * held it for up to ~80 ms after the broadcast, and clicks waited unread
 * meanwhile; their receipts leave at most once a second anyway (receipts.ts).
 *
 * A slice a turn is not always enough. In a slow spell one turn of the loop can
 * read sockets for over a second (libuv goes on while each poll returns 1,024
 * ready sockets, and flushes started from the click path keep the backlog that
 * big), and the next slice's immediate waits for the turn to end: receipts were
 * 2–5 s late. So a click nudges a slice that has waited LATE_MS, as it does an
 * overdue flush; and a batch still being answered when the next is stored
 * finishes in one go, so at most one batch's answers wait.
 */
function answer(batch: Waiting[], stored: Stored, before: AnswerRun | null): AnswerRun {
  let answered = 0;
  let next: ReturnType<typeof setImmediate> | null = null;
  /** When the slice before `next` ran (ms since the epoch). */
  let lastSliceAt = 0;
  let finish!: () => void;
  const run: AnswerRun = {
    hurry: false,
    done: new Promise<void>((resolve) => (finish = resolve)),
    nudge(now) {
      if (next === null) before?.nudge(now);
      else if (now - lastSliceAt > LATE_MS) {
        clearImmediate(next);
        slice();
      }
    },
  };
  const slice = () => {
    next = null;
    lastSliceAt = Date.now();
    const end = run.hurry || 'err' in stored ? batch.length : Math.min(batch.length, answered + ANSWER_SLICE);
    for (; answered < end; answered++) {
      if ('err' in stored) settleAll(batch[answered]!, stored.err);
      else settleAll(batch[answered]!, null, stored.results[answered]!, stored.seq);
    }
    if (answered < batch.length) next = setImmediate(slice);
    else finish();
  };
  if (before) {
    before.hurry = true;
    void before.done.then(() => {
      // Not kept once done: each run would otherwise hold every run before it.
      before = null;
      slice();
    });
  } else slice();
  return run;
}

export function createReactionCoalescer(opts: ReactionCoalescerOptions): ReactionCoalescer {
  const { store, flushMs, onBatch } = opts;
  const maxBatch = opts.maxBatch ?? MAX_REACTION_BATCH;
  const queues = new Map<string, PostQueue>();

  const schedule = (postId: string, q: PostQueue) => {
    if (q.inFlight || q.size === 0) return;
    if (q.timer && !q.idle) return;
    if (q.timer) clearTimeout(q.timer);
    q.idle = false;
    const now = Date.now();
    const wait = Math.max(0, q.lastFlushAt + windowAfter(flushMs, q.recentBusyMs) - now);
    q.dueAt = now + wait;
    q.timer = setTimeout(() => {
      q.timer = null;
      void flush(postId, q);
    }, wait);
  };

  const flush = async (postId: string, q: PostQueue): Promise<void> => {
    if (q.inFlight || q.size === 0) return;
    // The window's map is taken whole and a new one started, rather than emptied
    // entry by entry (see PostQueue.pending); people past the cap move over in order.
    const taken = q.pending;
    q.pending = new Map();
    const batch: Waiting[] = [];
    for (const [person, settings] of taken) {
      if (batch.length >= maxBatch) q.pending.set(person, settings);
      else for (const w of settings) batch.push(w);
    }
    q.size -= batch.length;
    q.lastFlushAt = Date.now();
    let stored: Stored;
    q.inFlight = (async () => {
      const started = performance.now();
      try {
        const storing = store.applyReactions(
          postId,
          batch.map((w) => w.op),
        );
        // The memory engine does its work before returning; Redis only sends the script.
        let busy = performance.now() - started;
        const result = await storing;
        const resumed = performance.now();
        if (result.seq !== null) onBatch(postId, result.seq, result.totals);
        busy += performance.now() - resumed;
        q.recentBusyMs.push(busy);
        if (q.recentBusyMs.length > RECENT_FLUSHES) q.recentBusyMs.shift();
        stored = result;
      } catch (err) {
        stored = { err };
      }
    })();
    await q.inFlight;
    q.inFlight = null;
    // The next window opens now, not after the answers: answering 10,000 clicks in
    // slices spans as many turns of the loop, each reading a backlog of sockets,
    // and a storm's next flush once waited up to 0.9 s behind them (docs/benchmarks.md).
    // Answers still leave in batch order, so a connection's receipts never overtake.
    const answering = answer(batch, stored!, q.answering);
    q.answering = answering;
    void answering.done.then(() => {
      if (q.answering === answering) q.answering = null;
    });
    if (q.size > 0) schedule(postId, q);
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
      if (q.size > 0) schedule(postId, q);
      // Still answering: a new queue for the post must not overtake those answers.
      else if (q.inFlight || q.answering) forgetWhenIdle(postId, q);
      else queues.delete(postId);
    }, flushMs);
  };

  return {
    submit(postId, op, done, context) {
      let q = queues.get(postId);
      if (!q) {
        q = { pending: new Map(), size: 0, timer: null, inFlight: null, lastFlushAt: 0, dueAt: 0, recentBusyMs: [], idle: false, answering: null };
        queues.set(postId, q);
      }
      let settings = q.pending.get(op.userId);
      if (!settings) q.pending.set(op.userId, (settings = []));
      const existing = settings.find((w) => w.op.commentId === op.commentId && w.op.kind === op.kind);
      if (existing) {
        existing.op = op;
        (existing.more ??= []).push({ done: done as ReactionDone<never>, context });
      } else {
        settings.push({ op, done: done as ReactionDone<never>, context, more: null });
        q.size++;
      }
      // A flush waiting for its stored batch need not wait for the loop to read the answer (types.ts).
      store.takeReplies?.();
      const now = Date.now();
      q.answering?.nudge(now);
      if (q.timer && !q.idle && now > q.dueAt + LATE_MS) {
        // The loop is starving the timer (see LATE_MS): flush from here.
        clearTimeout(q.timer);
        q.timer = null;
        void flush(postId, q);
      } else schedule(postId, q);
    },

    dueIn(postId) {
      const q = queues.get(postId);
      if (!q) return null;
      if (q.inFlight) return 0;
      return q.timer && !q.idle ? Math.max(0, q.dueAt - Date.now()) : null;
    },

    async drain() {
      for (const [postId, q] of [...queues]) {
        if (q.timer) clearTimeout(q.timer);
        q.timer = null;
        while (q.inFlight || q.size > 0) {
          if (q.inFlight) await q.inFlight;
          else await flush(postId, q);
        }
        await q.answering?.done;
      }
    },
  };
}
