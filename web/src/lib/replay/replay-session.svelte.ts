/**
 * Watch later: a playhead that is played, paused and sought instead of
 * following the clock (another PlayheadView, ADR 17), and the comments stamped
 * up to it. Spoiler-safe over the wire (ADR 19): the post is joined with
 * `replay` (no live events, no comments in the answer) and comments come by
 * moment range (`post:range`), never more than REPLAY_PREFETCH_MS ahead of the
 * playhead; a seek drops what was loaded and reads the new range.
 */
import {
  CommentBody,
  REPLAY_PREFETCH_MS,
  byMomentThenSeq,
  fail,
  type Comment,
  type JoinResult,
  type Result,
} from '@board/shared';
import { newClientId } from '$lib/realtime/client-id.js';
import { connection } from '$lib/realtime/connection.svelte.js';
import type { PlayheadView } from '$lib/event-clock/playhead.svelte.js';

export const REPLAY_SPEEDS = [1, 1.5, 2] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** A seek loads the comments of this long before the playhead, ms: the screenful the list shows. */
const BACKFILL_MS = 10 * 60_000;
/** The next range is asked for when less than this is loaded ahead of the playhead, ms. */
const REFILL_AHEAD_MS = REPLAY_PREFETCH_MS / 2;
/** Playhead recomputed this often while playing, ms: comments appear within this of their moment. */
const TICK_MS = 200;
/** Comments kept on screen (the newest up to the playhead); older ones leave. */
const KEPT_MAX = 500;

export interface ReplayOptions {
  postId: string;
  /** The event's length so far, ms: the playhead never passes it. */
  lengthMs: () => number;
  /** The join answer: the page updates the post, pulse and role from it. */
  onJoin?: (result: JoinResult) => void;
}

export class ReplaySession implements PlayheadView {
  readonly holds = true;
  readonly delayMs = 0;
  playing = $state(false);
  speed = $state<ReplaySpeed>(1);
  /** Loaded comments, in (moment, seq) order; none at or after #loadedTo. */
  comments = $state<Comment[]>([]);
  loading = $state(false);
  /** Why the last read failed, for the reader. */
  error = $state<string | null>(null);
  /** Where the loaded run starts, ms: older comments are not on this screen. */
  loadedFromMs = $state(0);
  #loadedTo = 0;
  /** Event time at #anchorAt, and when that was (performance.now(), monotonic). */
  #anchorMs = $state(0);
  #anchorAt = 0;
  #now = $state(0);
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Bumped per seek: a read for an older position is dropped. */
  #generation = 0;
  #offConnect: (() => void) | null = null;
  readonly #opts: ReplayOptions;

  constructor(opts: ReplayOptions, atMs: number, initial: Comment[] = []) {
    this.#opts = opts;
    this.#anchorMs = Math.max(0, atMs);
    // The server-rendered comments (none after atMs) stand until the first read replaces them.
    this.comments = initial.filter((c) => c.moment !== null && c.moment <= atMs);
  }

  /** ms of event time. */
  get positionMs(): number {
    if (!this.playing) return this.#anchorMs;
    const at = this.#anchorMs + (this.#now - this.#anchorAt) * this.speed;
    return Math.min(at, this.#opts.lengthMs());
  }

  /** What the discussion shows: comments stamped at or before the playhead, newest first. */
  get shown(): Comment[] {
    const at = this.positionMs;
    const out: Comment[] = [];
    for (let i = this.comments.length - 1; i >= 0; i--) {
      const c = this.comments[i]!;
      if (c.moment! <= at) out.push(c);
    }
    return out;
  }

  /** Browser only: opens the post for replay (again after every reconnect) and loads around the playhead. */
  start(): void {
    if (this.#offConnect) return;
    this.#offConnect = connection.onConnect(() => void this.#join());
  }

  stop(): void {
    this.pause();
    this.#offConnect?.();
    this.#offConnect = null;
    this.#generation++;
  }

  play(): void {
    if (this.playing) return;
    // At the end: play from the start again.
    if (this.#anchorMs >= this.#opts.lengthMs()) this.seek(0);
    this.#anchorAt = this.#now = performance.now();
    this.playing = true;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  pause(): void {
    if (!this.playing) return;
    this.#anchorMs = this.positionMs;
    this.playing = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: ReplaySpeed): void {
    // Re-anchored so the position does not jump.
    this.#anchorMs = this.positionMs;
    this.#anchorAt = this.#now = performance.now();
    this.speed = speed;
  }

  /** Moves the playhead; what was loaded is dropped and the new range read. */
  seek(ms: number): void {
    const at = Math.round(Math.min(Math.max(0, ms), this.#opts.lengthMs()));
    this.#anchorMs = at;
    this.#anchorAt = this.#now = performance.now();
    this.#generation++;
    this.loadedFromMs = Math.max(0, at - BACKFILL_MS);
    this.#loadedTo = this.loadedFromMs;
    // Nothing loaded for another position stays: it could be ahead of this one by more than the window.
    this.comments = [];
    void this.#fill();
  }

  /** Writes at the playhead: stamped there by the server (cut to the event so far), marked for everyone. */
  async submit(text: string): Promise<Result<Comment>> {
    const body = CommentBody.safeParse(text);
    if (!body.success) return fail('INVALID', body.error.issues[0]?.message ?? 'This comment cannot be posted');
    const res = await connection.request('comment:create', {
      postId: this.#opts.postId,
      parentId: null,
      body: body.data,
      clientId: newClientId(),
      replayAtMs: Math.floor(this.positionMs),
    });
    if (res.ok && res.data.moment !== null && res.data.moment < this.#loadedTo) this.#merge([res.data]);
    return res;
  }

  #tick(): void {
    this.#now = performance.now();
    const at = this.positionMs;
    if (at >= this.#opts.lengthMs()) this.pause();
    if (this.#loadedTo - at < REFILL_AHEAD_MS) void this.#fill();
    // Only the newest KEPT_MAX up to the playhead stay.
    const over = this.comments.length - KEPT_MAX;
    if (over > 0 && this.comments[over - 1]!.moment! < at) {
      this.comments = this.comments.slice(over);
      this.loadedFromMs = this.comments[0]!.moment!;
    }
  }

  async #join(): Promise<void> {
    const res = await connection.request('post:join', { postId: this.#opts.postId, replay: true });
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.#opts.onJoin?.(res.data);
    this.seek(this.positionMs);
  }

  /** Reads [#loadedTo, playhead + prefetch) a page at a time; one read at a time. */
  async #fill(): Promise<void> {
    if (this.loading) return;
    const generation = this.#generation;
    this.loading = true;
    try {
      while (generation === this.#generation) {
        const toMs = Math.min(Math.floor(this.positionMs) + REPLAY_PREFETCH_MS, this.#opts.lengthMs() + 1);
        const fromMs = this.#loadedTo;
        if (toMs <= fromMs) return;
        let cursor: string | undefined;
        do {
          const res = await connection.request('post:range', { postId: this.#opts.postId, fromMs, toMs, cursor });
          if (generation !== this.#generation) return;
          if (!res.ok) {
            this.error = res.error.message;
            return;
          }
          this.error = null;
          this.#merge(res.data.comments);
          cursor = res.data.next ?? undefined;
        } while (cursor);
        this.#loadedTo = toMs;
        // Played on meanwhile (2×): fill again if the window moved far.
        if (this.#loadedTo - this.positionMs >= REFILL_AHEAD_MS) return;
      }
    } finally {
      this.loading = false;
      // A seek while reading: its own read waited for this one.
      if (generation !== this.#generation) void this.#fill();
    }
  }

  #merge(list: Comment[]): void {
    if (list.length === 0) return;
    const known = new Set(this.comments.map((c) => c.id));
    const fresh = list.filter((c) => c.moment !== null && !known.has(c.id));
    this.comments = [...this.comments, ...fresh].sort(byMomentThenSeq);
  }
}
