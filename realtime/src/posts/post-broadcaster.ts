/**
 * The one place ordered post events leave this node. Each frame is one
 * Socket.IO room broadcast: the packet is encoded once and the same frame is
 * written to every socket in the room, on every node (through the adapter).
 *
 * Quiet posts send each event at once. A busy post (a comment spike) would cost
 * one frame per event per viewer, so above `batchAbovePerS` events per second
 * the events are collected for `tickMs` and leave as one `post:events` frame
 * holding the array, in sequence order. Reaction totals do not pass here: they
 * are unsequenced and leave with their flush (reactions/reaction-pipeline.ts).
 *
 * A crowded post (`crowdViewers` people watching, all nodes) gets at most one frame
 * per `crowdTickMs`: every frame is one write per socket, and at the start of a big
 * event those writes are most of a node's CPU (4 comments/s to 2,500 viewers is
 * 10,000 writes/s; pnpm bench --only=crowd). An event after a quiet spell still goes
 * at once; only events closer together than the tick wait, for at most the tick.
 */
import { rooms, type PostEvent } from '@board/shared';
import type { BoardServer } from '../socket/types.js';
import type { Metrics } from '../metrics/metrics.js';

/** Length of the window the per-post event rate is measured over, ms. One second smooths single bursts. */
const RATE_WINDOW_MS = 1_000;
/** Per-post rate state is forgotten after this much silence, ms, once many posts have some. */
const FORGET_AFTER_MS = 10 * RATE_WINDOW_MS;
/** Sweep forgotten posts only when at least this many are tracked (a sweep is O(posts)). */
const SWEEP_ABOVE_POSTS = 1_000;

export interface PostBroadcaster {
  /** Broadcasts a post's events to its room: now when the post is quiet, within tickMs when busy. */
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
  /** When its last frame left, ms (Date.now()). */
  lastFrameAt: number;
}

export interface PostBroadcasterOptions {
  /** Events per second per post above which events are batched (BROADCAST_BATCH_ABOVE_PER_S). */
  batchAbovePerS: number;
  /** How long a busy post collects events, ms (BROADCAST_TICK_MS). */
  tickMs: number;
  /** Most events in one frame (BROADCAST_MAX_EVENTS_PER_FRAME). */
  maxEventsPerFrame: number;
  /** People watching a post (all nodes) from whom on its frames are spaced by crowdTickMs (BROADCAST_CROWD_VIEWERS). */
  crowdViewers: number;
  /** Least time between two frames of a crowded post, ms (BROADCAST_CROWD_TICK_MS). */
  crowdTickMs: number;
  /** How many people watch a post now, all nodes (presence's last count). */
  audience: (postId: string) => number;
  /** Counts frames (board_broadcast_frames_total). */
  metrics?: Metrics;
}

export function createPostBroadcaster(io: BoardServer, opts: PostBroadcasterOptions): PostBroadcaster {
  const { batchAbovePerS, tickMs, maxEventsPerFrame, crowdViewers, crowdTickMs } = opts;
  const posts = new Map<string, PostRate>();
  let closed = false;

  const emit = (postId: string, events: PostEvent[]) => {
    for (let i = 0; i < events.length; i += maxEventsPerFrame) {
      const frame = i === 0 && events.length <= maxEventsPerFrame ? events : events.slice(i, i + maxEventsPerFrame);
      io.to(rooms.post(postId)).emit('post:events', postId, frame);
      opts.metrics?.broadcastFrames.inc({ event: 'post:events' });
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
    state.lastFrameAt = Date.now();
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
        state = { windowStart: now, count: 0, prevCount: 0, pending: [], timer: null, lastEventAt: now, lastFrameAt: 0 };
        posts.set(postId, state);
      }
      const rate = rateOf(state, now);
      state.count += events.length;
      state.lastEventAt = now;
      const crowded = opts.audience(postId) >= crowdViewers;
      // How long these events wait: none for a quiet post, a tick for a busy one, and for a
      // crowded one whatever is left of the spacing since its last frame.
      const waitMs = crowded ? state.lastFrameAt + crowdTickMs - now : rate + events.length < batchAbovePerS ? 0 : tickMs;

      // A tick already running keeps collecting, so an event never overtakes one that waits.
      if (state.timer === null && waitMs <= 0) {
        state.lastFrameAt = now;
        return emit(postId, events);
      }

      for (const e of events) state.pending.push(e);
      if (state.pending.length >= maxEventsPerFrame) return flushPost(postId, state);
      if (state.timer === null) {
        const s = state;
        s.timer = setTimeout(() => flushPost(postId, s), waitMs);
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
