/**
 * Counts requests being worked on, so a shutdown can let them finish (and be
 * acked) before the sockets and the storage connection close.
 */
export class InFlight {
  #count = 0;
  #idle: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.#count++;
    return work.finally(() => {
      if (--this.#count === 0) this.#idle.splice(0).forEach((resolve) => resolve());
    });
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
