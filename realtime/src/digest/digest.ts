/**
 * The away digest (ADR 20): what happened on a post after a sequence number,
 * read from the store in one bounded read (Store.commentsAfter, at most
 * `readMax` comments), so it is right whether or not the gap is still in the
 * replay log. Hidden and deleted comments are neither counted nor listed.
 */
import { AppError, DIGEST_TOP, reactionTotal, type Comment, type Digest } from '@board/shared';
import type { Store } from '../store/types.js';
import { redactFor, type Viewer } from '../posts/redact.js';

/** Keeps the `n` most reacted, most first; ties go to the newer comment (higher seq). */
export function mostReacted(comments: readonly Comment[], n: number): Comment[] {
  const better = (a: Comment, b: Comment) => reactionTotal(a) - reactionTotal(b) || a.seq - b.seq;
  const top: Comment[] = [];
  for (const c of comments) {
    if (top.length === n && (n === 0 || better(c, top[top.length - 1]!) <= 0)) continue;
    let at = top.length;
    while (at > 0 && better(c, top[at - 1]!) > 0) at--;
    top.splice(at, 0, c);
    if (top.length > n) top.pop();
  }
  return top;
}

/** The digest of `postId` after `sinceSeq` for this viewer; throws NOT_FOUND for no such post. */
export async function digestFor(store: Store, postId: string, sinceSeq: number, viewer: Viewer, readMax: number): Promise<Digest> {
  const read = await store.commentsAfter(postId, sinceSeq, readMax, 'all');
  if (!read) throw new AppError('NOT_FOUND', 'No such post');
  const shown = read.comments.filter((c) => !c.hidden && !c.deleted);
  return {
    count: shown.length + read.remaining,
    // "Most reacted" means reacted to at all: a quiet gap lists none.
    top: redactFor(mostReacted(shown.filter((c) => reactionTotal(c) > 0), DIGEST_TOP), viewer),
    complete: read.remaining === 0,
    seq: read.seq,
  };
}
