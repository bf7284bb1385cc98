import { AppError } from '@board/shared';
import type { Store } from '../store/types.js';
import type { HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { Viewer } from './redact.js';

/**
 * Who reads more of a post (a page, its pins, a thread's replies, a moment range, a digest):
 * within the `page` budget, of a joined post only (the join checked the post and the person's
 * standing), with their role now, for redaction.
 */
export async function readerOf(socket: BoardSocket, postId: string, deps: { store: Store; ctx: HandlerContext }): Promise<Viewer> {
  await deps.ctx.limits.consume('page', socket);
  if (!socket.data.posts.has(postId)) throw new AppError('INVALID', 'Open the discussion (post:join) before reading more of it');
  const userId = socket.data.user.id;
  return { userId, role: await deps.store.role(postId, userId) };
}
