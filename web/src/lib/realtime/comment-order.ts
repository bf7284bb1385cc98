/**
 * The two ways to read a discussion. "New": newest thread first (a live
 * event reads from the top). "Top": most reactions on the thread's first
 * comment first, ties newest first.
 */
import type { Thread } from './threads.js';

export const SORT_ORDERS = ['new', 'top'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

interface Sortable {
  comment: { seq: number };
  reactions: { total: number };
}

/** Threads arrive newest first (buildThreads); "top" reorders a copy. */
export function sortThreads<E extends Sortable>(threads: readonly Thread<E>[], order: SortOrder): Thread<E>[] {
  if (order === 'new') return [...threads];
  return [...threads].sort(
    (a, b) => b.root.reactions.total - a.root.reactions.total || b.root.comment.seq - a.root.comment.seq,
  );
}

const KEY = 'board.comment-sort';

export function loadSortOrder(): SortOrder {
  try {
    const saved = globalThis.localStorage?.getItem(KEY);
    return saved === 'top' ? 'top' : 'new';
  } catch {
    return 'new';
  }
}

export function saveSortOrder(order: SortOrder): void {
  try {
    globalThis.localStorage?.setItem(KEY, order);
  } catch {
    // Remembering the choice is a convenience; the page works without it.
  }
}
