/**
 * "You may post again in N s": slow mode and rate limits, counted down once a
 * second while something on screen reads it.
 */
import { createSubscriber } from 'svelte/reactivity';

export class Cooldown {
  /** ms since the epoch when posting is allowed again; 0 when it is now. */
  #until = $state(0);
  #now = Date.now();
  readonly #subscribe = createSubscriber((update) => {
    const timer = setInterval(() => {
      this.#now = Date.now();
      update();
    }, 250);
    return () => clearInterval(timer);
  });

  /** Whole seconds left, 0 when free to post. */
  get secondsLeft(): number {
    if (this.#until === 0) return 0;
    this.#subscribe();
    this.#now = Date.now();
    return Math.max(0, Math.ceil((this.#until - this.#now) / 1_000));
  }

  start(ms: number): void {
    this.#until = Math.max(this.#until, Date.now() + ms);
  }

  clear(): void {
    this.#until = 0;
  }
}
