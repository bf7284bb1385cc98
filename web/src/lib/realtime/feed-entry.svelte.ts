/**
 * One comment on screen. Immutable text plus the two things that change:
 * its reactions, and (for my own new comment) whether it is still being sent.
 */
import type { Comment, ReactionKind } from '@board/shared';
import { ReactionState } from './reaction-state.svelte.js';

/** Pending comments sort after every stored one (their seq is not known yet). */
export const PENDING_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * The comment fields the page shows. Named explicitly so a pending comment
 * (made here before the server has stored it) needs only these, whatever
 * else the shared Comment schema grows.
 */
export type CommentView = Pick<Comment, 'id' | 'postId' | 'parentId' | 'author' | 'body' | 'createdAt' | 'seq' | 'reactions'>;

export class FeedEntry {
  /** 'sending' until the server acks it; then the entry is replaced by the stored comment. */
  status = $state<'sent' | 'sending'>('sent');
  readonly reactions: ReactionState;

  constructor(
    readonly comment: CommentView,
    mine: readonly ReactionKind[] = [],
  ) {
    this.reactions = new ReactionState(comment.reactions, mine);
  }

  get id(): string {
    return this.comment.id;
  }

  get pending(): boolean {
    return this.status === 'sending';
  }
}
