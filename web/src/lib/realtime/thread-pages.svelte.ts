/**
 * What the page knows of the discussion beyond the comments it holds: a join
 * or a page load gives the newest threads, and the rest comes on request. Per
 * sort, where the loaded run of threads ends and how many come after it; per
 * thread, how many of its replies are not loaded yet.
 */
import type { ThreadPage, ThreadSort } from '@board/shared';

/** One sort's loaded run of threads, from the first page down. */
export class PageCursor {
  /** `before` for the next page; null once every thread of this sort is loaded. */
  next = $state<number | null>(null);
  /** Threads after the loaded ones. */
  remaining = $state(0);
  loading = $state(false);

  constructor(page: Pick<ThreadPage, 'next' | 'remaining'>) {
    this.next = page.next;
    this.remaining = page.remaining;
  }

  /** Threads ranked at or above this are all loaded (the last loaded thread's rank; 0 when all are). */
  get floor(): number {
    return this.next ?? 0;
  }
}

/** A loaded thread's replies: those the page has, and those still on the server. */
export class ThreadReplies {
  /** Replies on the server not loaded here; each one that arrives live while some are missing adds one. */
  unloaded = $state(0);
  loading = $state(false);
  /** The seq after which to ask for more: the last reply loaded in a row from the first. */
  through: number;
  /** The post's seq the counts were read at: a live reply at or below it is already counted. */
  countedAt: number;

  constructor(unloaded: number, through: number, countedAt: number) {
    this.unloaded = unloaded;
    this.through = through;
    this.countedAt = countedAt;
  }
}

export type Cursors = Record<ThreadSort, PageCursor | null>;
