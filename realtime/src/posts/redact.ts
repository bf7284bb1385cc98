/**
 * The one redaction step: what a viewer may read of stored comments and
 * events. Every path that sends stored data (join snapshot, join replay, the
 * HTTP API and so the server-rendered page) goes through here.
 *
 * - Deleted text is gone for everyone, facilitators included.
 * - Hidden text goes only to the comment's author and to facilitators; everyone
 *   else gets the comment with an empty body and `hidden: true`, so the thread
 *   keeps its shape.
 *
 * Stored events keep the text they were written with (a `comment` event of a
 * since hidden comment, a `restored` event of a since deleted one), so events
 * are judged by the comment's state now, not by what the event says.
 */
import type { Comment, PostEvent, Role } from '@board/shared';
import type { CommentState } from '../store/types.js';

export interface Viewer {
  /** null for anonymous reads (server-side renders). */
  userId: string | null;
  role: Role;
}

const mayReadHidden = (viewer: Viewer, authorId: string) => viewer.role === 'facilitator' || authorId === viewer.userId;

export function redactFor(comments: Comment[], viewer: Viewer): Comment[] {
  return comments.map((c) => {
    if (c.deleted) return c.body === '' ? c : { ...c, body: '' };
    if (c.hidden && !mayReadHidden(viewer, c.author.id)) return { ...c, body: '' };
    return c;
  });
}

/**
 * Events as this viewer may read them, given the current state of the comments
 * they name (`states`, from Store.commentStates). A comment missing from
 * `states` is treated as deleted: nothing is sent that cannot be vouched for.
 */
export function redactEvents(events: PostEvent[], viewer: Viewer, states: Map<string, CommentState>): PostEvent[] {
  return events.map((e) => {
    if (e.type === 'comment') {
      const now = states.get(e.comment.id);
      if (!now || now.deleted) return { ...e, comment: { ...e.comment, body: '', hidden: false, deleted: true } };
      if (now.hidden && !mayReadHidden(viewer, now.authorId)) return { ...e, comment: { ...e.comment, body: '', hidden: true } };
      return e;
    }
    if (e.type === 'restored' || e.type === 'edited') {
      const now = states.get(e.commentId);
      if (!now || now.deleted || (now.hidden && !mayReadHidden(viewer, now.authorId))) return { ...e, body: '' };
      return e;
    }
    return e;
  });
}

/** The comment ids whose text these events carry: what redactEvents needs states for. */
export function textBearingIds(events: PostEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.type === 'comment') ids.add(e.comment.id);
    else if (e.type === 'restored' || e.type === 'edited') ids.add(e.commentId);
  }
  return [...ids];
}
