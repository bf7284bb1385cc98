/**
 * The storage contract. Two engines implement it (memory, redis) and one test
 * suite (tests/contract) holds both to the same behaviour.
 */
import { randomBytes } from 'node:crypto';
import { REACTION_KINDS } from '@board/shared';
import type {
  Author,
  Comment,
  CommentTotals,
  EventClock,
  ModLogEntry,
  MyReactions,
  Post,
  PostEvent,
  PostSettings,
  ReactionCounts,
  ReactionKind,
  Role,
} from '@board/shared';

export type PostRecord = Omit<Post, 'viewers'>;

export interface NewPostRecord {
  title: string;
  description?: string;
  body?: string;
  scheduledAt?: number | null;
  /** Fixed id (demo data, tests); random when absent. */
  id?: string;
  createdAt?: number;
  /** The creator, who becomes the first facilitator. */
  hostId?: string;
  /** SHA-256 (hex) of the facilitator link's secret; the secret itself is never stored. */
  hostTokenHash?: string;
  /** An event clock already running (demo data, tests); null or absent for none yet. */
  clock?: EventClock | null;
}

/** A change that took the post's next sequence number; null when nothing changed. */
export interface Sequenced<T> {
  seq: number | null;
  value: T;
}

export interface NewComment {
  postId: string;
  parentId: string | null;
  body: string;
  author: Author;
  /** Idempotency key from the client; with author.id it names the write. */
  clientId: string;
  /** Only for seeding history; live comments take the server clock. */
  createdAt?: number;
}

export interface ReactionOp {
  commentId: string;
  kind: ReactionKind;
  userId: string;
  active: boolean;
}

/** NOT_FOUND: no such comment (or deleted); LOCKED: the post is locked; FORBIDDEN: the person was removed. */
export type ReactionRefusal = 'NOT_FOUND' | 'LOCKED' | 'FORBIDDEN';

export type ReactionOpResult = { ok: true; active: boolean; counts: ReactionCounts } | { ok: false; code: ReactionRefusal };

export interface ReactionBatchResult {
  /** Sequence number of the batch's event; null when nothing changed (no event). */
  seq: number | null;
  /** Absolute totals of every comment the batch changed. */
  totals: CommentTotals[];
  /**
   * One entry per op, in order. Entries are shared and read-only: ops on one
   * comment with the same setting get one result object, refusals with the
   * same code another, and the counts of one comment are one object, shared by
   * its entries and its totals (a storm's batch is thousands of clicks on one
   * comment, and its answers live until their receipts are queued).
   */
  results: ReactionOpResult[];
}

export interface CommentPage {
  comments: Comment[];
  /** The post's sequence number this list is consistent with. */
  seq: number;
}

/**
 * The most reaction settings one applyReactions call is given (the coalescer's
 * batch cap; the contract suite runs a batch this big on both engines). On
 * Redis that is one Lua script, about one argument per click.
 */
export const MAX_REACTION_BATCH = 40_000;

export interface Store {
  readonly engine: 'memory' | 'redis';

  createPost(input: NewPostRecord): Promise<PostRecord>;
  getPost(postId: string): Promise<PostRecord | null>;
  /** Newest first. */
  listPosts(): Promise<PostRecord[]>;

  /**
   * Stores a comment and gives it the post's next sequence number. A repeat of
   * (author.id, clientId) returns the stored comment with duplicate=true and
   * changes nothing. Throws AppError NOT_FOUND for a missing post or parent,
   * FORBIDDEN for a removed person, and, for participants (not facilitators),
   * LOCKED for a locked post and RATE_LIMITED (with retryAfterMs) in slow mode.
   * These checks and the write are one atomic step.
   */
  addComment(input: NewComment): Promise<{ comment: Comment; duplicate: boolean }>;
  /** All comments of a post in sequence order, unredacted (hidden bodies included), with the matching seq. Null if no such post. */
  listComments(postId: string): Promise<CommentPage | null>;

  /**
   * Applies reaction settings in order as one step; at most one event (one seq).
   * Takes up to MAX_REACTION_BATCH settings in one call.
   */
  applyReactions(postId: string, ops: ReactionOp[]): Promise<ReactionBatchResult>;
  /**
   * Settles applyReactions calls whose answer has already arrived, now, without
   * waiting for the event loop to get to it (the Redis engine's reaction writer).
   * Called per click, so it must cost next to nothing when there is none.
   */
  takeReplies?(): void;
  myReactions(postId: string, userId: string): Promise<MyReactions>;

  role(postId: string, userId: string): Promise<Role>;
  /** SHA-256 hex of the post's facilitator secret, or null. */
  hostTokenHash(postId: string): Promise<string | null>;
  addHost(postId: string, userId: string): Promise<void>;

  /** Pins or unpins; throws NOT_FOUND (no comment), INVALID (pin limit reached). */
  setPinned(postId: string, commentId: string, pinned: boolean, maxPins: number): Promise<Sequenced<string[]>>;
  /** Hides or restores; value is the comment's body (for the restored event). Throws NOT_FOUND. */
  setHidden(postId: string, commentId: string, hidden: boolean): Promise<Sequenced<string>>;
  /** Deletes for good: the body is erased, the log entry that carried it removed. Throws NOT_FOUND. */
  deleteComment(postId: string, commentId: string): Promise<Sequenced<null>>;
  updateSettings(postId: string, patch: Partial<PostSettings>): Promise<Sequenced<PostSettings>>;
  setBanned(postId: string, userId: string, banned: boolean): Promise<boolean>;
  appendModLog(postId: string, entry: ModLogEntry, keep: number): Promise<void>;
  /** Newest first. */
  modLog(postId: string): Promise<ModLogEntry[]>;

  /**
   * Replaces the post's event clock with `next`, taking the next sequence number
   * for a `clock` event, only if the stored clock still equals `expected` (read
   * by the caller, who worked out `next` from it); null when it changed
   * meanwhile (the caller reads again and retries). The check and the write are
   * one atomic step. Throws NOT_FOUND for a missing post.
   */
  setClock(postId: string, expected: EventClock | null, next: EventClock): Promise<Sequenced<EventClock> | null>;

  /** Latest sequence number per post (0 for a post with no events or no such post). */
  heads(postIds: string[]): Promise<Record<string, number>>;

  /** Events with seq > sinceSeq in order; null when the log no longer reaches back that far. */
  eventsSince(postId: string, sinceSeq: number): Promise<PostEvent[] | null>;

  /** Records how many viewers this node has on a post; returns the all-node total. */
  setViewers(nodeId: string, postId: string, count: number): Promise<number>;
  viewers(postIds: string[]): Promise<Record<string, number>>;
  /** Keeps this node's presence counted; a node silent for a while stops counting. */
  heartbeat(nodeId: string): Promise<void>;

  /** Resolves when storage answers; rejects when it is unreachable. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** Time-ordered, unguessable id: base36 ms clock then 48 random bits. */
export const newId = (prefix: string): string =>
  `${prefix}${Date.now().toString(36)}${randomBytes(6).toString('base64url')}`;

/** Longest replay a store answers (events); further behind, a snapshot is cheaper than the events. */
export const REPLAY_MAX = 1_000;

/** The record a new post starts as, the same in every engine. */
export function newPostRecord(input: NewPostRecord): PostRecord {
  return {
    id: input.id ?? newId('p'),
    title: input.title,
    description: input.description ?? '',
    body: input.body ?? '',
    createdAt: input.createdAt ?? Date.now(),
    commentCount: 0,
    scheduledAt: input.scheduledAt ?? null,
    locked: false,
    slowModeSeconds: 0,
    pinned: [],
    clock: input.clock ?? null,
  };
}

/**
 * A batch's results as both engines give them (ReactionBatchResult.results):
 * one shared object per comment and setting, carrying `countsOf(commentId)`
 * (which must give one object per comment), and one per refusal code.
 * `refusalOf(i)` is op i's refusal, or null when it was applied. A storm's
 * batch is thousands of clicks on one comment, each answer alive until its
 * receipt is queued (docs/benchmarks.md).
 */
export function sharedResults(
  ops: readonly ReactionOp[],
  refusalOf: (i: number) => ReactionRefusal | null,
  countsOf: (commentId: string) => ReactionCounts,
): ReactionOpResult[] {
  const applied = new Map<string, [ReactionOpResult?, ReactionOpResult?]>();
  const refused = new Map<ReactionRefusal, ReactionOpResult>();
  return ops.map((op, i) => {
    const code = refusalOf(i);
    if (code !== null) {
      let r = refused.get(code);
      if (!r) refused.set(code, (r = { ok: false, code }));
      return r;
    }
    let answers = applied.get(op.commentId);
    if (!answers) applied.set(op.commentId, (answers = []));
    return (answers[op.active ? 1 : 0] ??= { ok: true, active: op.active, counts: countsOf(op.commentId) });
  });
}

/**
 * A person's pressed reactions, stored in both engines as `${commentId}|${kind}`
 * members, grouped per comment with kinds in display order.
 */
export function groupPressed(members: Iterable<string>): MyReactions {
  const mine: MyReactions = {};
  for (const member of members) {
    const [commentId, kind] = member.split('|') as [string, ReactionKind];
    (mine[commentId] ??= []).push(kind);
  }
  for (const kinds of Object.values(mine)) kinds.sort((a, b) => REACTION_KINDS.indexOf(a) - REACTION_KINDS.indexOf(b));
  return mine;
}
