/**
 * Turns the flat, sequence-ordered comment list into what the page shows:
 * top-level comments, newest first (a live event reads from the top), each
 * with all of its descendants flattened into one reply list, oldest first.
 * A reply to a reply keeps the name it answers, so the one visual level
 * still says who is talking to whom. The page may hold part of a discussion:
 * a comment whose thread is not loaded is left out, never shown as a thread.
 */
export interface ThreadSource {
  id: string;
  comment: { parentId: string | null; rootId?: string | null; author: { name: string } };
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

  const rootOf = (entry: E): E | undefined => {
    const { rootId } = entry.comment;
    if (rootId) return byId.get(rootId);
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
    // Its thread's first comment is not here (an older page): nothing to hang it on.
    if (!root || root.comment.parentId !== null) continue;
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
