/**
 * Changes to one comment that a facilitator and its author (or its reports) can both
 * make: the same store step, the same ordered event, the same log line, whoever asks.
 */
import type { PostEvent } from '@board/shared';
import type { PostBroadcaster } from '../posts/post-broadcaster.js';
import type { Presence } from '../presence/presence.js';
import type { Store } from '../store/types.js';
import type { BoardSocket } from '../socket/types.js';
import { logAction } from './authorize.js';

/** What a hide or a restore tells the post's room (a restore carries the text back). */
export const visibilityEvent = (seq: number, commentId: string, hidden: boolean, body: string): PostEvent =>
  hidden ? { type: 'hidden', seq, commentId } : { type: 'restored', seq, commentId, body };

/**
 * Deletes a comment (only its author's own when `authorId` is given: the store checks it in the
 * same atomic write), answers, then tells the room and the lobby and logs it under the person asking.
 */
export async function deleteComment(
  deps: { store: Store; broadcaster: PostBroadcaster; presence: Presence },
  socket: BoardSocket,
  target: { postId: string; commentId: string; authorId?: string },
  reply: (r: null) => void,
): Promise<void> {
  const { postId, commentId, authorId } = target;
  const { seq } = await deps.store.deleteComment(postId, commentId, authorId);
  reply(null);
  if (seq === null) return;
  deps.broadcaster.send(postId, [{ type: 'deleted', seq, commentId }]);
  deps.presence.statsChanged(postId);
  await logAction(deps.store, socket, postId, 'delete', commentId);
}
