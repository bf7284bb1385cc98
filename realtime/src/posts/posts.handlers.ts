import {
  AppError,
  JoinPostRequest,
  LeavePostRequest,
  NoPayload,
  PageRequest,
  PinsRequest,
  RepliesRequest,
  rooms,
  type Comment,
  type JoinResult,
  type ReplyPage,
  type ThreadPage,
} from '@board/shared';
import { pageFor, repliesFor, type PageSizes } from './pages.js';
import type { Presence } from '../presence/presence.js';
import { redactEvents, textBearingIds } from './redact.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import { replayJoin } from '../replay/ranges.js';
import { readerOf } from './reader.js';
import type { SharedReads } from './shared-reads.js';

/** A socket may watch a handful of posts at once (tabs share nothing); more is abuse. */
const MAX_JOINED_POSTS = 20;

export function registerPostHandlers(
  socket: BoardSocket,
  deps: { store: Store; presence: Presence; ctx: HandlerContext; resyncTotalsMax: number; pages: PageSizes; shared: SharedReads },
): void {
  const { store, presence, ctx, resyncTotalsMax, pages, shared } = deps;
  // Read once in the room: a bucket changed after this read comes whole in a later `post:pulse` frame.
  // A post whose event never started has no pulse to read.
  const pulseOf = (post: { id: string; clock: unknown }) => (post.clock ? shared.pulse(post.id) : Promise.resolve([]));

  socket.on(
    'post:join',
    handle(socket, 'post:join', JoinPostRequest, async ({ postId, sinceSeq, sinceTotals, replay }, reply: (r: JoinResult) => void) => {
      // A join sends a page and the pins: still, looping ones are refused per connection and per address.
      await ctx.limits.consume('join', socket);
      const post = await shared.getPost(postId);
      if (!post) throw new AppError('NOT_FOUND', 'No such post');
      if (!socket.data.posts.has(postId) && socket.data.posts.size >= MAX_JOINED_POSTS) {
        throw new AppError('INVALID', `A connection can watch at most ${MAX_JOINED_POSTS} posts`);
      }
      // Watching later: readable by moment range, out of the room, and no comment in the answer.
      if (replay) return reply(await replayJoin(store, socket, post, ctx, { pages, pulse: await pulseOf(post) }));
      // Join before reading: an event stored meanwhile is both broadcast to us and
      // maybe in the read; the client's sequence buffer drops the double.
      await socket.join(rooms.post(postId));
      socket.data.posts.add(postId);
      presence.touched(postId);
      const userId = socket.data.user.id;
      await ctx.identity.beforeJoin(socket, postId); // a host-signed facilitator of this event's host: sso/identity-gate.ts
      // Everything that does not depend on another read goes out together: one round trip, not one each.
      // A resync reads the current counts of what changed since the client's version (its later changes
      // reach it live: it joined the room above) and the events after its seq; either missing (too many
      // changed, or outside the replay window) and a snapshot is as cheap.
      const resync = sinceSeq !== undefined;
      const [mine, role, totals, events, pulse] = await Promise.all([
        store.myReactions(postId, userId),
        store.role(postId, userId).then((stored) => ctx.guard.joined(socket, postId, stored)),
        resync ? shared.totalsSince(postId, sinceTotals ?? 0, resyncTotalsMax) : null,
        resync ? shared.eventsSince(postId, sinceSeq) : null,
        pulseOf(post),
      ]);

      if (totals && events) {
        // Read after the events: a hide or delete stored before they were read is seen here.
        const states = await shared.commentStates(postId, textBearingIds(events));
        const seq = events.at(-1)?.seq ?? sinceSeq!;
        ctx.metrics.resyncs.inc({ mode: 'replay' });
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
      // A first join, or a resync outside the replay window: the newest page again, never the whole post.
      const [read, viewers] = await Promise.all([
        pageFor(shared, postId, { userId, role }, pages),
        store.viewers([postId]).then((v) => v[postId] ?? 0),
      ]);
      if (resync) ctx.metrics.resyncs.inc({ mode: 'snapshot' });
      reply({ mode: 'snapshot', post: { ...post, viewers }, ...read, mine, role, pulse });
    }, ctx),
  );

  const reader = (postId: string) => readerOf(socket, postId, { store, ctx });

  socket.on(
    'post:page',
    handle(socket, 'post:page', PageRequest, async ({ postId, sort, before }, reply: (r: ThreadPage) => void) => {
      reply((await pageFor(store, postId, await reader(postId), pages, sort, before)).page);
    }, ctx),
  );

  socket.on(
    'post:pins',
    handle(socket, 'post:pins', PinsRequest, async ({ postId }, reply: (r: Comment[]) => void) => {
      // A page of no threads is the pins alone.
      reply((await pageFor(store, postId, await reader(postId), { ...pages, threads: 0, replies: 0 })).pinned);
    }, ctx),
  );

  socket.on(
    'post:replies',
    handle(socket, 'post:replies', RepliesRequest, async ({ postId, rootId, after }, reply: (r: ReplyPage) => void) => {
      reply(await repliesFor(store, postId, rootId, after, await reader(postId), pages));
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
