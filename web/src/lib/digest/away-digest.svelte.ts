/**
 * The away digest (ADR 20): notices when this viewer is away from a post (tab
 * hidden, the connection gone, or the laptop asleep: timers stop, so a gap
 * between two ticks is time away) and, when they are back for longer than the
 * threshold and the feed has rejoined, asks the server what happened since the
 * last sequence number applied before they left (`post:digest`). The feed's own
 * resync runs underneath as always; the digest only summarises. New pins and
 * moments are the post's now less those it had when they left.
 */
import { AWAY_DIGEST_MS, type Comment, type Moment } from '@board/shared';
import { connection } from '$lib/realtime/connection.svelte';
import type { PostFeed } from '$lib/realtime/post-feed.svelte';
import { sleptBetweenTicks, TICK_MS } from './sleep-detector';

/**
 * localStorage key that shortens the threshold (ms, 1,000 up to AWAY_DIGEST_MS):
 * the e2e suite sets it so an absence takes a second, not two minutes. It can
 * only make the digest come sooner; nothing else reads it.
 */
export const AWAY_MS_KEY = 'board.awayDigestMs';

export function awayThresholdMs(): number {
  try {
    const set = Number(localStorage.getItem(AWAY_MS_KEY));
    if (Number.isFinite(set) && set >= 1_000 && set < AWAY_DIGEST_MS) return set;
  } catch {
    // Storage blocked: the default.
  }
  return AWAY_DIGEST_MS;
}

export interface DigestView {
  /** How long they were away, ms. */
  awayMs: number;
  /** New comments since they left (hidden and deleted ones not counted). */
  count: number;
  /** The most reacted of them, most first; ones ahead of a delayed viewer's stream are left out. */
  top: Comment[];
  /** Comments pinned while they were away. */
  pins: { id: string; name: string; body: string }[];
  moments: Moment[];
}

interface Away {
  since: number;
  seq: number;
  pins: Set<string>;
  moments: Set<string>;
}

export class AwayDigest {
  view = $state<DigestView | null>(null);
  /** The tab is shown (document.visibilityState). */
  visible = $state(true);
  #away: Away | null = null;
  #asking = false;
  /** The last tick of the sleep detector: when, and what the feed had then. */
  #tick: Away | null = null;
  readonly #feed: PostFeed;
  readonly #thresholdMs: number;

  constructor(feed: PostFeed, thresholdMs = awayThresholdMs()) {
    this.#feed = feed;
    this.#thresholdMs = thresholdMs;
  }

  /** Browser only: follows visibility, the network and the clock; returns the cleanup. */
  listen(): () => void {
    const onVisibility = () => {
      this.visible = document.visibilityState === 'visible';
      if (!this.visible) this.leave();
      // Hidden tabs' timers are throttled: a long gap since then is not sleep.
      else this.#tick = this.#here(Date.now());
    };
    const onOffline = () => this.leave();
    const tick = () => {
      const now = Date.now();
      const slept = this.visible && !this.#away && this.#tick !== null && sleptBetweenTicks(now - this.#tick.since, this.#thresholdMs);
      if (slept) this.#away = this.#tick;
      this.#tick = this.#here(now);
      // Asleep since the last tick, and the socket survived it: nothing else will say we are back.
      if (slept && connection.status === 'online' && this.#feed.joined) void this.back();
    };
    onVisibility();
    tick();
    const timer = setInterval(tick, TICK_MS);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('offline', onOffline);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('offline', onOffline);
    };
  }

  /** The viewer is away from now (tab hidden, offline, connection lost); the first cause counts. */
  leave(): void {
    this.#away ??= this.#here(Date.now());
  }

  /**
   * Call when the tab is visible, connected and the feed has rejoined: after a
   * long enough absence, asks for the digest. A short one is forgotten.
   */
  async back(): Promise<void> {
    const away = this.#away;
    if (!away || this.#asking) return;
    this.#away = null;
    this.#tick = this.#here(Date.now());
    const awayMs = Date.now() - away.since;
    if (awayMs < this.#thresholdMs) return;
    this.#asking = true;
    const feed = this.#feed;
    const res = await connection.request('post:digest', { postId: feed.post.id, sinceSeq: away.seq });
    this.#asking = false;
    // No digest is no loss: the discussion itself is complete after the resync.
    if (!res.ok) return;
    const me = connection.user?.id;
    const playhead = feed.streamWait.playhead;
    const ahead = (c: Comment) => !!playhead?.holds && c.author.id !== me && c.moment !== null && c.moment !== undefined && c.moment > playhead.positionMs;
    this.view = {
      awayMs,
      count: res.data.count,
      top: res.data.top.filter((c) => !ahead(c)),
      pins: feed.pinned.filter((e) => !away.pins.has(e.id)).map((e) => ({ id: e.id, name: e.comment.author.name, body: e.body })),
      moments: (feed.post.moments ?? []).filter((m) => !away.moments.has(m.id)),
    };
  }

  dismiss(): void {
    this.view = null;
  }

  #here(at: number): Away {
    const feed = this.#feed;
    return {
      since: at,
      seq: feed.lastSeq,
      pins: new Set(feed.post.pinned),
      moments: new Set((feed.post.moments ?? []).map((m) => m.id)),
    };
  }
}
