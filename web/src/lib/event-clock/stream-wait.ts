/**
 * Which comments wait for a viewer's stream: those stamped ahead of their
 * playhead, from others (my own never wait), and every reply under one of them
 * (a reply shown without the comment it answers would read as a new thread).
 * Comments with no moment (before the event, no event) never wait. Plain
 * functions over the feed's entries; stream-wait.svelte.ts keeps them current.
 */

export interface Waitable {
  readonly id: string;
  readonly comment: { readonly parentId: string | null; readonly moment?: number | null; readonly author: { readonly id: string } };
}

/** Moments of the comments that could wait (others', stamped), ascending. */
export function candidateMoments(entries: readonly Waitable[], me: string | undefined): number[] {
  const moments: number[] = [];
  for (const e of entries) {
    const m = e.comment.moment;
    if (m !== null && m !== undefined && e.comment.author.id !== me) moments.push(m);
  }
  return moments.sort((a, b) => a - b);
}

/**
 * The latest of those moments the playhead has reached, -Infinity when none.
 * Waiting changes only when this does, so a playhead moving every 100 ms costs
 * a binary search, not a pass over the feed.
 */
export function reachedThrough(sorted: readonly number[], positionMs: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= positionMs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -Infinity : sorted[lo - 1]!;
}

/** Ids of the comments still waiting when the playhead has reached `through`; entries in sequence order (parents first). */
export function waitingIds(entries: readonly Waitable[], through: number, me: string | undefined): Set<string> {
  const waiting = new Set<string>();
  for (const e of entries) {
    const { moment, parentId, author } = e.comment;
    const ahead = moment !== null && moment !== undefined && moment > through && author.id !== me;
    if (ahead || (parentId !== null && waiting.has(parentId))) waiting.add(e.id);
  }
  return waiting;
}
