/**
 * Turns the flat, sequence-ordered comment list into what the page shows:
 * top-level comments, newest first (a live event reads from the top), each
 * with all of its descendants flattened into one reply list, oldest first.
 * A reply to a reply keeps the name it answers, so the one visual level
 * still says who is talking to whom.
 */
export interface ThreadSource {
  id: string;
  comment: { parentId: string | null; author: { name: string } };
}

export interface Reply<E> {
  entry: E;
  /** Name of the person answered when that is not the thread's first comment. */
  replyingTo: string | null;
}

export interface Thread<E> {
  root: E;
  replies: Reply<E>[];
}

export function buildThreads<E extends ThreadSource>(entries: readonly E[]): Thread<E>[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const threads = new Map<string, Thread<E>>();

  const rootOf = (entry: E): E => {
    let current = entry;
    // Bounded walk: a cycle cannot come from the server, but a bad record must not hang the page.
    for (let hops = 0; hops < 1_000; hops++) {
      const parent = current.comment.parentId ? byId.get(current.comment.parentId) : undefined;
      if (!parent) return current;
      current = parent;
    }
    return current;
  };

  for (const entry of entries) {
    const root = rootOf(entry);
    if (root === entry) {
      threads.set(entry.id, { root: entry, replies: [] });
      continue;
    }
    const parent = byId.get(entry.comment.parentId ?? '');
    const thread = threads.get(root.id);
    thread?.replies.push({
      entry,
      replyingTo: parent && parent !== root ? parent.comment.author.name : null,
    });
  }
  return [...threads.values()].reverse();
}
