/**
 * Watch later (ADR 19): a moment range of a post as a viewer may read it, the
 * one road from Store.readMomentRange to `post:range` and the server-rendered
 * page opened at `?t=`. Every comment passes through redactFor, like pages.
 */
import { AppError, decodeCursor, encodeCursor, type RangePage } from '@board/shared';
import type { Store } from '../store/types.js';
import { redactFor, type Viewer } from '../posts/redact.js';

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
