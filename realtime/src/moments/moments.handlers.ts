/**
 * `moment:change`: validate (zod: label ≤ 80 characters, `mm:ss` / `h:mm:ss`),
 * authorize (a facilitator of the post, within the moderation budget), act
 * (work out the new list from the stored one and write it only if that is still
 * the stored one), ack, broadcast the ordered `moments` event to the post.
 */
import { AppError, MomentChangeRequest, type Moment } from '@board/shared';
import { authorizeModeration } from '../moderation/authorize.js';
import type { PostBroadcaster } from '../posts/post-broadcaster.js';
import { newId, type Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import { nextMoments } from './moment-rules.js';

export interface MomentDeps {
  store: Store;
  broadcaster: PostBroadcaster;
  ctx: HandlerContext;
  /** MOMENTS_MAX */
  max: number;
}

/** Writes tried when other facilitators change the moments at the same moment; each retry reads them again. */
const WRITE_ATTEMPTS = 3;

export function registerMomentHandlers(socket: BoardSocket, deps: MomentDeps): void {
  const { store, broadcaster, ctx, max } = deps;

  socket.on(
    'moment:change',
    handle(socket, 'moment:change', MomentChangeRequest, async (change, reply: (m: Moment[]) => void) => {
      await authorizeModeration(store, socket, change.postId, ctx.limits);
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const post = await store.getPost(change.postId);
        if (!post) throw new AppError('NOT_FOUND', 'No such post');
        const next = nextMoments(post.moments, change, { clock: post.clock, now: Date.now(), max, newId: () => newId('m') });
        const written = await store.setMoments(change.postId, post.moments, next);
        if (!written) continue;
        reply(written.value);
        if (written.seq !== null) broadcaster.send(change.postId, [{ type: 'moments', seq: written.seq, moments: written.value }]);
        return;
      }
      throw new AppError('CONFLICT', 'The moments were changed by someone else at the same moment; try again');
    }, ctx),
  );
}
