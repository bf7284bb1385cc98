/**
 * The one place ordered post events leave this node. Each frame is one
 * Socket.IO room broadcast: the packet is encoded once and the same frame is
 * written to every socket in the room, on every node (through the adapter).
 *
 * Quiet posts send each event at once. A busy post (a comment spike, reaction
 * totals on top) would cost one frame per event per viewer, so above
 * BATCH_ABOVE_PER_S events per second the events are collected for TICK_MS and
 * leave as one `post:events` frame holding the array, in sequence order.
 * Reaction totals are coalesced upstream already and never wait here.
 * 5,000 viewers × 100 comments/s is then ~30 frames/s per viewer instead of 100.
 *
 * While this node is collecting a post's reaction clicks (a totals frame is
 * due within HOLD_FOR_TOTALS_MS), other events of the post wait for that
 * frame and leave in it (ADR 9). In a reaction storm every frame costs a
 * write to each viewer (tens of ms of a core for 5,000 viewers), and a comment
 * a second as frames of their own put the storm's click→visible p99 at
 * 268–700 ms on one machine, where riding with the totals it was 255–266 ms;
 * a comment then waits at most until the frame that was due anyway.
 */
import { rooms, type PostEvent } from '@board/shared';
import type { BoardServer } from '../socket/types.js';

/** Length of the window the per-post event rate is measured over, ms. One second smooths single bursts. */
const RATE_WINDOW_MS = 1_000;
/**
 * Events per second per post above which events are batched. Below it every
 * event is its own frame (at most one frame per 50 ms on average, so batching
 * would save little and only add delay).
 */
const BATCH_ABOVE_PER_S = 20;
/**
 * How long a busy post collects events before sending them as one frame, ms.
 * ~30 frames/s is smooth to the eye, and 33 ms of extra delay is well below the
 * ~100 ms at which a live feed starts to feel late.
 */
const TICK_MS = 33;
/** Most events in one frame; a bigger backlog is sent at once in frames of this size (bounds frame bytes). */
const MAX_EVENTS_PER_FRAME = 500;
/**
 * Longest wait for a due totals frame, ms. Windows in a storm are 100–300 ms
 * (three times a flush's own time); a frame due later than this is not waited for.
 */
const HOLD_FOR_TOTALS_MS = 300;
/**
 * Held events go on their own this long after the totals frame was due, ms:
 * the frame may not come (a batch that changed nothing) or its store call may be slow.
 */
const HOLD_GRACE_MS = 100;
/** Per-post rate state is forgotten after this much silence, ms, once many posts have some. */
const FORGET_AFTER_MS = 10 * RATE_WINDOW_MS;
/** Sweep forgotten posts only when at least this many are tracked (a sweep is O(posts)). */
const SWEEP_ABOVE_POSTS = 1_000;

export interface PostBroadcaster {
  /** Broadcasts a post's events to its room: now when the post is quiet, within TICK_MS when busy. */
  send(postId: string, events: PostEvent[]): void;
  /** Whether this node broadcast an event of the post within the last `ms`. */
  sentWithin(postId: string, ms: number): boolean;
  /** Sends everything collected so far now (shutdown, before io.close()). */
  flush(): void;
  /** Flushes and stops the tick timers; later sends go out at once. */
  close(): void;
}

interface PostRate {
  /** Start of the current rate window, ms (Date.now()). */
  windowStart: number;
  /** Events in the current window. */
  count: number;
  /** Events in the window before it. */
  prevCount: number;
  /** Events waiting for the tick, unordered. */
  pending: PostEvent[];
  timer: ReturnType<typeof setTimeout> | null;
  lastEventAt: number;
}

export interface PostBroadcasterOptions {
  /**
   * Milliseconds until this node's next reaction totals frame for the post
   * (0: its batch is being stored now), or null when no clicks are waiting.
   */
  reactionsDueIn?: (postId: string) => number | null;
}

export function createPostBroadcaster(io: BoardServer, opts: PostBroadcasterOptions = {}): PostBroadcaster {
  const { reactionsDueIn = () => null } = opts;
  const posts = new Map<string, PostRate>();
  let closed = false;

  const emit = (postId: string, events: PostEvent[]) => {
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_FRAME) {
      const frame = i === 0 && events.length <= MAX_EVENTS_PER_FRAME ? events : events.slice(i, i + MAX_EVENTS_PER_FRAME);
      io.to(rooms.post(postId)).emit('post:events', postId, frame);
    }
  };

  const flushPost = (postId: string, state: PostRate) => {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    if (state.pending.length === 0) return;
    const events = state.pending;
    state.pending = [];
    // Stores hand out seqs in order but replies can resolve out of order; a frame is always ascending.
    events.sort((a, b) => a.seq - b.seq);
    emit(postId, events);
  };

  /** Sliding-window estimate (events/s): the previous window weighted by how much of it still overlaps. */
  const rateOf = (state: PostRate, now: number): number => {
    const elapsed = now - state.windowStart;
    if (elapsed >= 2 * RATE_WINDOW_MS) {
      state.windowStart = now;
      state.prevCount = 0;
      state.count = 0;
    } else if (elapsed >= RATE_WINDOW_MS) {
      state.windowStart += RATE_WINDOW_MS;
      state.prevCount = state.count;
      state.count = 0;
    }
    const overlap = 1 - (now - state.windowStart) / RATE_WINDOW_MS;
    return ((state.prevCount * overlap + state.count) * 1_000) / RATE_WINDOW_MS;
  };

  const sweep = (now: number) => {
    if (posts.size < SWEEP_ABOVE_POSTS) return;
    for (const [postId, state] of posts) {
      if (!state.timer && state.pending.length === 0 && now - state.lastEventAt > FORGET_AFTER_MS) posts.delete(postId);
    }
  };

  return {
    send(postId, events) {
      if (events.length === 0) return;
      if (closed) return emit(postId, events);
      const now = Date.now();
      let state = posts.get(postId);
      if (!state) {
        sweep(now);
        state = { windowStart: now, count: 0, prevCount: 0, pending: [], timer: null, lastEventAt: now };
        posts.set(postId, state);
      }
      const rate = rateOf(state, now);
      state.count += events.length;
      state.lastEventAt = now;

      // Reaction totals already waited up to REACTION_FLUSH_MS in the coalescer (≤ 10 per second
      // per post): they go out at once, taking any collected events with them in the same frame.
      const urgent = events.some((e) => e.type === 'reactions');
      // A tick already running keeps collecting, so an event never overtakes one that waits.
      let wait = TICK_MS;
      if (state.timer === null) {
        if (urgent) return emit(postId, events);
        const due = reactionsDueIn(postId);
        if (due !== null && due <= HOLD_FOR_TOTALS_MS) wait = due + HOLD_GRACE_MS;
        else if (rate + events.length < BATCH_ABOVE_PER_S) return emit(postId, events);
      }

      for (const e of events) state.pending.push(e);
      if (urgent || state.pending.length >= MAX_EVENTS_PER_FRAME) return flushPost(postId, state);
      if (state.timer === null) {
        const s = state;
        s.timer = setTimeout(() => flushPost(postId, s), wait);
        // A pending tick must not keep a finished process alive; close() flushes it.
        s.timer.unref();
      }
    },

    sentWithin(postId, ms) {
      const state = posts.get(postId);
      return state !== undefined && Date.now() - state.lastEventAt < ms;
    },

    flush() {
      for (const [postId, state] of posts) flushPost(postId, state);
    },

    close() {
      closed = true;
      for (const [postId, state] of posts) flushPost(postId, state);
      posts.clear();
    },
  };
}
