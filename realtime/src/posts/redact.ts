import type { Comment, Role } from '@board/shared';

/**
 * What a viewer may read of a comment. The text of a hidden comment goes only
 * to its author and to facilitators; everyone else gets the comment with an
 * empty body and `hidden: true`, so the thread keeps its shape.
 */
export function redactFor(comments: Comment[], viewer: { userId: string | null; role: Role }): Comment[] {
  if (viewer.role === 'facilitator') return comments;
  return comments.map((c) => (c.hidden && c.author.id !== viewer.userId ? { ...c, body: '' } : c));
}
