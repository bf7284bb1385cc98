/**
 * Facilitator actions. Each one, in order: validate the payload, authorize
 * from the store, act (one atomic store step that takes a sequence number when
 * it changes something), ack, broadcast the ordered event, log it.
 */
import {
  BanRequest,
  DeleteCommentRequest,
  HideRequest,
  LIMITS,
  ModLogRequest,
  PinRequest,
  SettingsRequest,
  rooms,
  type ModLogEntry,
  type PostSettings,
} from '@board/shared';
import type { PostBroadcaster } from '../posts/post-broadcaster.js';
import type { Presence } from '../presence/presence.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import { authorizeModeration, logAction, requireFacilitator } from './authorize.js';
import { deleteComment, visibilityEvent } from './comment-changes.js';

export interface ModerationDeps {
  io: BoardServer;
  store: Store;
  broadcaster: PostBroadcaster;
  presence: Presence;
  ctx: HandlerContext;
}

const firstWords = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

export function registerModerationHandlers(socket: BoardSocket, deps: ModerationDeps): void {
  const { io, store, broadcaster, ctx } = deps;

  socket.on(
    'mod:pin',
    handle(socket, 'mod:pin', PinRequest, async ({ postId, commentId, pinned }, reply: (r: { pinned: string[] }) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const { seq, value } = await store.setPinned(postId, commentId, pinned, LIMITS.maxPins);
      reply({ pinned: value });
      if (seq === null) return;
      broadcaster.send(postId, [{ type: 'pins', seq, pinned: value }]);
      await logAction(store, socket, postId, pinned ? 'pin' : 'unpin', commentId);
    }, ctx),
  );

  socket.on(
    'mod:hide',
    handle(socket, 'mod:hide', HideRequest, async ({ postId, commentId, hidden }, reply: (r: null) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const { seq, value: body } = await store.setHidden(postId, commentId, hidden);
      reply(null);
      if (seq === null) return;
      broadcaster.send(postId, [visibilityEvent(seq, commentId, hidden, body)]);
      await logAction(store, socket, postId, hidden ? 'hide' : 'restore', commentId, firstWords(body));
    }, ctx),
  );

  socket.on(
    'mod:delete',
    handle(socket, 'mod:delete', DeleteCommentRequest, async ({ postId, commentId }, reply: (r: null) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      await deleteComment(deps, socket, { postId, commentId }, reply);
    }, ctx),
  );

  socket.on(
    'mod:settings',
    handle(socket, 'mod:settings', SettingsRequest, async ({ postId, ...patch }, reply: (r: PostSettings) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const before = await store.getPost(postId);
      const { seq, value } = await store.updateSettings(postId, patch);
      reply(value);
      if (seq === null) return;
      broadcaster.send(postId, [{ type: 'settings', seq, ...value }]);
      if (before && before.locked !== value.locked) {
        await logAction(store, socket, postId, value.locked ? 'lock' : 'unlock', null);
      }
      if (before && before.slowModeSeconds !== value.slowModeSeconds) {
        await logAction(store, socket, postId, 'slow-mode', null, value.slowModeSeconds > 0 ? `${value.slowModeSeconds} s` : 'off');
      }
    }, ctx),
  );

  socket.on(
    'mod:ban',
    handle(socket, 'mod:ban', BanRequest, async ({ postId, userId, banned, withAddress }, reply: (r: null) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const changed = await store.setBanned(postId, userId, banned);
      const addressChanged = withAddress && (await ctx.guard.setAddressRemoved(postId, userId, banned, rooms.user(socket.data.user.id)));
      reply(null);
      if (!changed && !addressChanged) return;
      // Their open pages learn it now, on whichever node they are.
      io.to(rooms.user(userId)).emit('post:role', postId, banned ? 'removed' : 'participant');
      await logAction(store, socket, postId, banned ? 'ban' : 'unban', userId, addressChanged ? 'with their address' : null);
    }, ctx),
  );

  socket.on(
    'mod:log',
    handle(socket, 'mod:log', ModLogRequest, async ({ postId }, reply: (r: ModLogEntry[]) => void) => {
      await requireFacilitator(store, socket, postId);
      reply(await store.modLog(postId));
    }, ctx),
  );
}
