import { AppError, JoinPostRequest, LeavePostRequest, NoPayload, rooms, type JoinResult } from '@board/shared';
import type { Presence } from '../presence/presence.js';
import { redactEvents, redactFor, textBearingIds } from './redact.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';

/** A socket may watch a handful of posts at once (tabs share nothing); more is abuse. */
const MAX_JOINED_POSTS = 20;

export function registerPostHandlers(
  socket: BoardSocket,
  deps: { store: Store; presence: Presence; ctx: HandlerContext; resyncTotalsMax: number },
): void {
  const { store, presence, ctx, resyncTotalsMax } = deps;
  // Read after the rest of the answer; a post whose event never started has no pulse to read.
  const pulseOf = (post: { id: string; clock: unknown }) => (post.clock ? store.pulse(post.id) : Promise.resolve([]));

  socket.on(
    'post:join',
    handle(socket, 'post:join', JoinPostRequest, async ({ postId, sinceSeq, sinceTotals }, reply: (r: JoinResult) => void) => {
      // A join can send the whole post: looping ones are refused per connection and per address.
      await ctx.limits.consume('join', socket);
      const post = await store.getPost(postId);
      if (!post) throw new AppError('NOT_FOUND', 'No such post');
      if (!socket.data.posts.has(postId) && socket.data.posts.size >= MAX_JOINED_POSTS) {
        throw new AppError('INVALID', `A connection can watch at most ${MAX_JOINED_POSTS} posts`);
      }
      // Join before reading: an event stored meanwhile is both broadcast to us and
      // maybe in the read; the client's sequence buffer drops the double.
      await socket.join(rooms.post(postId));
      socket.data.posts.add(postId);
      presence.touched(postId);
      const userId = socket.data.user.id;
      const [mine, storedRole] = await Promise.all([store.myReactions(postId, userId), store.role(postId, userId)]);
      const role = await ctx.guard.joined(socket, postId, storedRole);

      if (sinceSeq !== undefined) {
        // The current counts of what changed since the client's version (its later changes reach
        // it live: it joined the room above); too many changed, and a snapshot is as cheap.
        const totals = await store.totalsSince(postId, sinceTotals ?? 0, resyncTotalsMax);
        const events = totals && (await store.eventsSince(postId, sinceSeq));
        if (totals && events) {
          // Read after the events: a hide or delete stored before they were read is seen here.
          const states = await store.commentStates(postId, textBearingIds(events));
          const pulse = await pulseOf(post);
          const seq = events.at(-1)?.seq ?? sinceSeq;
          return reply({
            mode: 'replay',
            events: redactEvents(events, { userId, role }, states),
            seq,
            totals: totals.totals,
            totalsVersion: totals.version,
            mine,
            role,
            pulse,
          });
        }
      }
      const page = await store.listComments(postId);
      if (!page) throw new AppError('NOT_FOUND', 'No such post');
      const viewers = (await store.viewers([postId]))[postId] ?? 0;
      const pulse = await pulseOf(post);
      reply({
        mode: 'snapshot',
        post: { ...post, viewers },
        comments: redactFor(page.comments, { userId, role }),
        seq: page.seq,
        totalsVersion: page.totalsVersion,
        mine,
        role,
        pulse,
      });
    }, ctx),
  );

  socket.on(
    'post:leave',
    handle(socket, 'post:leave', LeavePostRequest, async ({ postId }, reply: (r: null) => void) => {
      await socket.leave(rooms.post(postId));
      socket.data.posts.delete(postId);
      presence.touched(postId);
      reply(null);
    }, ctx),
  );

  socket.on(
    'lobby:join',
    handle(socket, 'lobby:join', NoPayload, async (_none, reply: (r: null) => void) => {
      await socket.join(rooms.lobby);
      reply(null);
    }, ctx),
  );

  socket.on(
    'lobby:leave',
    handle(socket, 'lobby:leave', NoPayload, async (_none, reply: (r: null) => void) => {
      await socket.leave(rooms.lobby);
      reply(null);
    }, ctx),
  );

  socket.on('disconnect', () => {
    for (const postId of socket.data.posts) presence.touched(postId);
  });
}
