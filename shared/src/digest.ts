/**
 * The away digest (ADR 20): a viewer back after AWAY_DIGEST_MS or more away
 * (tab hidden, laptop asleep, offline) asks what happened since the last
 * sequence number it applied. The server reads it, bounded by the page, not
 * history, so the answer is right even when the gap is outside the replay
 * window and the client never holds the missed comments.
 */
import { z } from 'zod';
import { Comment, Id } from './schemas.js';

/** Away this long or longer (ms) and the viewer gets a digest when they come back: 2 min. */
export const AWAY_DIGEST_MS = 120_000;

/** Comments a digest lists: the most reacted since the viewer left. */
export const DIGEST_TOP = 3;

export const DigestRequest = z.object({
  postId: Id,
  /** The last sequence number the client applied before it went away. */
  sinceSeq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type DigestRequest = z.input<typeof DigestRequest>;

export const Digest = z.object({
  /** Comments written after sinceSeq and not hidden or deleted (of the ones read, see `complete`). */
  count: z.number().int().nonnegative(),
  /** Up to DIGEST_TOP of them with a reaction or more, most reactions first (ties: the newer first), redacted for the viewer. */
  top: z.array(Comment),
  /** False when more comments came than the server reads for a digest: `count` then includes unread ones unchecked, `top` is of the ones read (the oldest of the gap). */
  complete: z.boolean(),
  /** The post's sequence number the digest was read at. */
  seq: z.number().int().nonnegative(),
});
export type Digest = z.infer<typeof Digest>;

/** Total reactions of a comment: what "most reacted" ranks by. */
export const reactionTotal = (c: Pick<Comment, 'reactions'>): number =>
  c.reactions.like + c.reactions.love + c.reactions.laugh + c.reactions.wow;
