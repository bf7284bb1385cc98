/**
 * Reads that are the same for everyone joining a post at the same moment: the post, the
 * events after the page's seq, the totals since its version, the states of those comments,
 * the pulse, the newest page. At the start of an event hundreds of people a second join
 * from the same shared page render (PAGE_CACHE_MS), so they ask these with the same
 * arguments; identical reads asked within one turn of the event loop share one store call
 * (one Redis round trip, one parse) instead of one each.
 *
 * A read is shared only among requests made before it starts, never joined while in
 * flight: a join reads after it entered the room, and a read begun earlier could miss an
 * event stored between its start and that entry. The price is one turn of the event
 * loop per read, well under a millisecond on an idle node.
 *
 * Results are shared objects: callers copy, never change them (redact.ts and pages.ts map).
 */
import type { Store } from '../store/types.js';

export type SharedReads = Pick<Store, 'getPost' | 'eventsSince' | 'totalsSince' | 'commentStates' | 'pulse' | 'readPage'>;

export function createSharedReads(store: Store): SharedReads {
  const waiting = new Map<string, Promise<unknown>>();

  const shared = <A extends unknown[], T>(name: string, read: (...args: A) => Promise<T>) =>
    (...args: A): Promise<T> => {
      const key = `${name}\u0000${JSON.stringify(args)}`;
      const queued = waiting.get(key);
      if (queued) return queued as Promise<T>;
      const next = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        // From here on a new request waits for the next read: this one may already be behind it.
        waiting.delete(key);
        return read.apply(store, args);
      });
      waiting.set(key, next);
      return next;
    };

  return {
    getPost: shared('getPost', store.getPost),
    eventsSince: shared('eventsSince', store.eventsSince),
    totalsSince: shared('totalsSince', store.totalsSince),
    commentStates: shared('commentStates', store.commentStates),
    pulse: shared('pulse', store.pulse),
    readPage: shared('readPage', store.readPage),
  };
}
