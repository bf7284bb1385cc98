/**
 * One comment on screen. The text can change (a facilitator hides, restores or
 * deletes it) and so can its reactions and, for my own new comment, whether it
 * is still being sent.
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
export type CommentView = Pick<Comment, 'id' | 'postId' | 'parentId' | 'author' | 'createdAt' | 'seq' | 'reactions'> &
  Partial<Pick<Comment, 'body' | 'byFacilitator' | 'hidden' | 'deleted' | 'clientId' | 'moment' | 'rootId' | 'editedAt' | 'replayed'>>;

export class FeedEntry {
  /**
   * 'queued' while offline (sent when the connection returns), 'sending' until
   * the server acks it; then the entry is replaced by the stored comment.
   */
  status = $state<'sent' | 'sending' | 'queued'>('sent');
  /** Empty when the server kept the text from me (hidden for participants, or deleted). */
  body = $state('');
  hidden = $state(false);
  deleted = $state(false);
  /** When its author last edited it (ms since the epoch); null when never: shown as "edited". */
  editedAt = $state<number | null>(null);
  /** Arrived live while the reader was at the top: shown with a brief highlight. */
  fresh = $state(false);
  readonly reactions: ReactionState;

  constructor(
    readonly comment: CommentView,
    mine: readonly ReactionKind[] = [],
  ) {
    this.body = comment.body ?? '';
    this.hidden = comment.hidden ?? false;
    this.deleted = comment.deleted ?? false;
    this.editedAt = comment.editedAt ?? null;
    this.reactions = new ReactionState(comment.reactions, mine);
  }

  get id(): string {
    return this.comment.id;
  }

  get pending(): boolean {
    return this.status !== 'sent';
  }

  /** Takes the server's newer view of the same comment (a snapshot after a resync). */
  update(comment: Comment): void {
    this.body = comment.body;
    this.hidden = comment.hidden;
    this.deleted = comment.deleted;
    this.editedAt = comment.editedAt ?? null;
  }
}
