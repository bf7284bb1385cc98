/**
 * A shared "now" for relative times. One interval for the whole page, running
 * only while something on screen reads it (createSubscriber starts and stops it).
 */
import { createSubscriber } from 'svelte/reactivity';

/** "3 min ago" changes at most once a minute; 15 s keeps it within a quarter of that. */
const TICK_MS = 15_000;

class Clock {
  #now = Date.now();
  readonly #subscribe = createSubscriber((update) => {
    this.#now = Date.now();
    const timer = setInterval(() => {
      this.#now = Date.now();
      update();
    }, TICK_MS);
    return () => clearInterval(timer);
  });

  get now(): number {
    this.#subscribe();
    return this.#now;
  }
}

export const clock = new Clock();
