/**
 * The viewer's playhead: where this viewer is in the event. Live, it is the
 * event time less the personal delay of their stream ("My stream is behind"),
 * remembered per post in this browser. Everything that places comments against
 * the viewer's own time reads a PlayheadView: comments ahead of it wait
 * (stream-wait.svelte.ts), and my comments are stamped with it on the server.
 * Replay ("watch later") is another PlayheadView, one that is sought and played
 * instead of following the clock.
 */
import { VIEWER_DELAY_MAX_MS, clampDelay, delayFromPlayerTime, formatClockTime } from '@board/shared';
import type { EventTime } from './event-time.svelte.js';

/** What readers of a playhead need: its position, and whether comments ahead of it wait for it. */
export interface PlayheadView {
  /** ms of event time. */
  readonly positionMs: number;
  /** False when it is simply the event time: then nothing is held (a stamp a few ms ahead of this tab's estimate must not flicker). */
  readonly holds: boolean;
  /** Sent with my comments, so they are stamped where I am; 0 for none. */
  readonly delayMs: number;
}

/** One press of −5 s / +5 s, ms. */
export const DELAY_STEP_MS = 5_000;

const storageKey = (postId: string) => `board.stream-delay.${postId}`;

export class Playhead implements PlayheadView {
  /** How far this viewer's stream runs behind the event clock, ms (0..VIEWER_DELAY_MAX_MS). */
  delayMs = $state(0);
  readonly #postId: string;
  readonly #time: EventTime;

  constructor(postId: string, time: EventTime) {
    this.#postId = postId;
    this.#time = time;
  }

  get positionMs(): number {
    return this.#time.playheadMs(this.delayMs);
  }

  get holds(): boolean {
    return this.delayMs > 0;
  }

  /** "33:40": the playhead as a person reads it. */
  get label(): string {
    return formatClockTime(this.positionMs);
  }

  /** Browser only: the delay this browser remembers for the post. */
  load(): void {
    try {
      const saved = Number(globalThis.localStorage?.getItem(storageKey(this.#postId)) ?? 0);
      this.delayMs = clampDelay(saved);
    } catch {
      this.delayMs = 0;
    }
  }

  setDelay(ms: number): void {
    this.delayMs = clampDelay(ms);
    try {
      if (this.delayMs === 0) globalThis.localStorage?.removeItem(storageKey(this.#postId));
      else globalThis.localStorage?.setItem(storageKey(this.#postId), String(this.delayMs));
    } catch {
      // Remembering is a convenience: the delay holds for this visit anyway.
    }
  }

  /** −5 s / +5 s: `steps` times DELAY_STEP_MS more (or, negative, less) behind. */
  nudge(steps: number): void {
    this.setDelay(this.delayMs + steps * DELAY_STEP_MS);
  }

  /** Back to the event time. */
  reset(): void {
    this.setDelay(0);
  }

  /**
   * "My player shows 41:20": sets the delay that puts the playhead there.
   * Returns what to tell the viewer: an error, or what was set.
   */
  syncTo(typed: string): { ok: boolean; message: string } {
    const res = delayFromPlayerTime(typed, this.#time.eventTimeMs);
    if (!res.ok) return res;
    this.setDelay(res.delayMs);
    if (res.clamped === 'ahead') return { ok: true, message: 'Your player is not behind the event clock: following the event live.' };
    if (res.clamped === 'too-far') {
      return { ok: true, message: `That is more than ${VIEWER_DELAY_MAX_MS / 1_000} s behind; set to the most, ${delayText(res.delayMs)}.` };
    }
    return { ok: true, message: res.delayMs === 0 ? 'In step with the event clock.' : `Set: your stream is ${delayText(res.delayMs)} behind.` };
  }
}

/** "30 s", "1 min 5 s", "2 min". */
export function delayText(ms: number): string {
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const rest = s % 60;
  return rest === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${rest} s`;
}
