/**
 * The event clock's socket events. `clock:control`: validate, authorize (a
 * facilitator of the post, from the store), act (work out the next clock from
 * the stored one and write it only if that is still the stored one), ack,
 * broadcast the ordered `clock` event to the post and the new clock to the
 * lobby. `clock:ping`: the server's time, for the client's offset estimate.
 */
import { AppError, ClockControlRequest, NoPayload, rooms, type ClockPing, type EventClock } from '@board/shared';
import { requireFacilitator } from '../moderation/authorize.js';
import type { PostBroadcaster } from '../posts/post-broadcaster.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import { nextClock } from './clock-rules.js';

export interface ClockDeps {
  io: BoardServer;
  store: Store;
  broadcaster: PostBroadcaster;
  ctx: HandlerContext;
}

/** Writes tried when other facilitators change the clock at the same moment; each retry reads it again. */
const WRITE_ATTEMPTS = 3;

export function registerClockHandlers(socket: BoardSocket, deps: ClockDeps): void {
  const { io, store, broadcaster, ctx } = deps;

  socket.on(
    'clock:control',
    handle(socket, 'clock:control', ClockControlRequest, async (control, reply: (c: EventClock) => void) => {
      await requireFacilitator(store, socket, control.postId);
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const post = await store.getPost(control.postId);
        if (!post) throw new AppError('NOT_FOUND', 'No such post');
        const next = nextClock(post.clock, control, Date.now());
        const written = await store.setClock(control.postId, post.clock, next);
        if (!written) continue;
        reply(written.value);
        if (written.seq !== null) broadcaster.send(control.postId, [{ type: 'clock', seq: written.seq, clock: written.value }]);
        io.to(rooms.lobby).emit('lobby:stats', { postId: control.postId, clock: written.value });
        return;
      }
      throw new AppError('CONFLICT', 'The clock was changed by someone else at the same moment; try again');
    }, ctx),
  );

  socket.on(
    'clock:ping',
    handle(socket, 'clock:ping', NoPayload, async (_none, reply: (r: ClockPing) => void) => {
      await ctx.limits.consume('clock-ping', socket);
      reply({ serverTime: Date.now() });
    }, ctx),
  );
}
