/**
 * Watch later (ADR 19): a moment range of a post as a viewer may read it, the
 * one road from Store.readMomentRange to `post:range` and the server-rendered
 * page opened at `?t=`. Every comment passes through redactFor, like pages.
 */
import { AppError, decodeCursor, encodeCursor, rooms, type JoinResult, type PulseBucket, type RangePage } from '@board/shared';
import type { PostRecord, Store } from '../store/types.js';
import { pageFor, type PageSizes } from '../posts/pages.js';
import { redactFor, type Viewer } from '../posts/redact.js';
import type { HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';

/** A page of comments stamped in [fromMs, toMs) after `cursor`, for this viewer; NOT_FOUND for no such post. */
export async function rangeFor(
  store: Store,
  postId: string,
  viewer: Viewer,
  range: { fromMs: number; toMs: number; cursor?: string },
  limit: number,
): Promise<RangePage> {
  const after = range.cursor === undefined ? undefined : decodeCursor(range.cursor);
  if (after === null) throw new AppError('INVALID', 'Not a valid range cursor');
  const read = await store.readMomentRange(postId, { fromMs: range.fromMs, toMs: range.toMs, after, limit });
  if (!read) throw new AppError('NOT_FOUND', 'No such post');
  return {
    comments: redactFor(read.comments, viewer),
    next: read.next && encodeCursor(read.next),
    seq: read.seq,
    totalsVersion: read.totalsVersion,
  };
}

/**
 * A comment written while watching later needs an event that started: before
 * that there is no moment to write at (CONFLICT, nothing stored). Whether the
 * playhead lies past the event so far is the store's to cut, in the write.
 */
export async function requireReplayable(store: Store, postId: string): Promise<void> {
  const post = await store.getPost(postId);
  if (!post) throw new AppError('NOT_FOUND', 'No such post');
  if (!post.clock || post.clock.state === 'scheduled') {
    throw new AppError('CONFLICT', 'The event has not started: there is nothing to watch later yet');
  }
}

/**
 * `post:join` with `replay`: the post opened for `post:range` and comments,
 * out of its room (no live events: a live comment is ahead of any replay
 * playhead), answered as a snapshot with no threads and no pins.
 */
export async function replayJoin(
  store: Store,
  socket: BoardSocket,
  post: PostRecord,
  ctx: HandlerContext,
  deps: { pages: PageSizes; pulse: PulseBucket[] },
): Promise<JoinResult> {
  await socket.leave(rooms.post(post.id));
  socket.data.posts.add(post.id);
  const userId = socket.data.user.id;
  const [mine, storedRole] = await Promise.all([store.myReactions(post.id, userId), store.role(post.id, userId)]);
  const role = await ctx.guard.joined(socket, post.id, storedRole);
  // A page of no threads: the seq and totals version, nothing else.
  const read = await pageFor(store, post.id, { userId, role }, { ...deps.pages, threads: 0, replies: 0 });
  const viewers = (await store.viewers([post.id]))[post.id] ?? 0;
  return { mode: 'snapshot', post: { ...post, viewers }, page: read.page, pinned: [], seq: read.seq, totalsVersion: read.totalsVersion, mine, role, pulse: deps.pulse };
}
