import { AppError, type ModLogEntry, LIMITS } from '@board/shared';
import type { Store } from '../store/types.js';
import type { BoardSocket } from '../socket/types.js';
import type { RateLimits } from '../limits/rate-limits.js';

/** Every facilitator action starts here: the role comes from the store, never from the client. */
export async function requireFacilitator(store: Store, socket: BoardSocket, postId: string): Promise<void> {
  const role = await store.role(postId, socket.data.user.id);
  if (role !== 'facilitator') throw new AppError('FORBIDDEN', 'Only a facilitator of this discussion can do that');
}

/**
 * For facilitator actions that change something: the role, then the person's
 * moderation budget (a flood of toggles is refused, and reaches neither viewers nor the log).
 */
export async function authorizeModeration(store: Store, socket: BoardSocket, postId: string, limits: RateLimits): Promise<void> {
  await requireFacilitator(store, socket, postId);
  await limits.consume('mod', socket);
}

/** Records who did what in the post's moderation log. */
export function logAction(
  store: Store,
  socket: BoardSocket,
  postId: string,
  action: ModLogEntry['action'],
  target: string | null,
  detail: string | null = null,
): Promise<void> {
  const { id, name } = socket.data.user;
  const caps = { routine: LIMITS.modLogMax, kept: LIMITS.modLogKeptMax };
  return store.appendModLog(postId, { at: Date.now(), by: { id, name: name ?? 'Facilitator' }, action, target, detail }, caps);
}
