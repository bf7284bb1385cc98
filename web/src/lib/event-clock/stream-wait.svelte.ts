/**
 * "3 comments waiting for your stream": the feed's comments against the
 * viewer's playhead (playhead.svelte.ts). The feed owns one and hides what is
 * in `waiting`; the page gives it the playhead. Recomputed only when a waiting
 * comment becomes due or the comments change (stream-wait.ts).
 */
import type { PlayheadView } from './playhead.svelte.js';
import { candidateMoments, reachedThrough, waitingIds, type Waitable } from './stream-wait.js';

const NONE: ReadonlySet<string> = new Set();

export class StreamWait<E extends Waitable> {
  /** The viewer's playhead; null (or one that does not hold) and nothing waits. */
  playhead = $state<PlayheadView | null>(null);
  readonly #entries: () => readonly E[];
  readonly #me: () => string | undefined;

  readonly #moments = $derived.by(() => (this.playhead?.holds ? candidateMoments(this.#entries(), this.#me()) : []));
  /** A number, so a moving playhead that reaches no new comment changes nothing downstream. */
  readonly #through = $derived.by(() => (this.playhead?.holds ? reachedThrough(this.#moments, this.playhead.positionMs) : Infinity));
  /** Ids of the comments waiting for the viewer's stream. */
  readonly waiting: ReadonlySet<string> = $derived.by(() =>
    this.#through === Infinity ? NONE : waitingIds(this.#entries(), this.#through, this.#me()),
  );

  constructor(entries: () => readonly E[], me: () => string | undefined) {
    this.#entries = entries;
    this.#me = me;
  }

  /** Sent with my comments: they are stamped at my playhead. */
  get delayMs(): number {
    return this.playhead?.delayMs ?? 0;
  }

  /** The entries without those waiting (the same array when none wait). */
  visible<T extends E>(entries: T[]): T[] {
    const waiting = this.waiting;
    return waiting.size === 0 ? entries : entries.filter((e) => !waiting.has(e.id));
  }
}
