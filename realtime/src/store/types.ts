/**
 * The storage contract. Two engines implement it (memory, redis) and one test
 * suite (tests/contract) holds both to the same behaviour.
 */
import { randomBytes } from 'node:crypto';
import { AppError, REACTION_KINDS } from '@board/shared';
import type {
  Author,
  CoHost,
  Comment,
  CommentTotals,
  EventClock,
  ModLogEntry,
  Moment,
  MomentCursor,
  MyReactions,
  Post,
  PostEvent,
  PostSettings,
  ReactionCounts,
  ReplyPage,
  ThreadPage,
  ThreadSort,
  PulseBucket,
  ReactionKind,
  Role,
  EditedComment,
  ReportDecision,
  ReportEntry,
  ReportReason,
  IdentityPolicy,
  IdentityPolicyPatch,
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
  /** The creator's display name, for the list of co-hosts. */
  hostName?: string;
  /** An event clock already running (demo data, tests); null or absent for none yet. */
  clock?: EventClock | null;
}

/** Caps of the moderation log's two lists (LIMITS.modLogMax, LIMITS.modLogKeptMax). */
export interface ModLogCaps {
  /** Routine entries (pins, hides, locks…): the oldest go first. */
  routine: number;
  /** Destructive entries (DESTRUCTIVE_MOD_ACTIONS), kept apart so routine ones never push them out. */
  kept: number;
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
  /**
   * How far the writer's stream runs behind the event clock, ms, already bounded
   * by the caller (MAX_VIEWER_DELAY_MS): the comment is stamped with their
   * playhead (playheadAt in shared/src/event-clock.ts). 0 or absent: the event time.
   */
  delayMs?: number;
  /**
   * Written while watching later: the writer's replay playhead, ms. The store
   * stamps the comment with it, cut to the event time at acceptance (the
   * event's length so far), and marks it `replayed`, in the same atomic write;
   * the caller checked that the event has started. Overrides delayMs.
   */
  replayAtMs?: number;
}

/** A page of a moment range (Store.readMomentRange). */
export interface MomentRangeQuery {
  /** Comments stamped at or after this event time, ms. */
  fromMs: number;
  /** ...and before this one, ms. */
  toMs: number;
  /** Continue after this comment (the previous page's last); absent for the first page. */
  after?: MomentCursor;
  /** Most comments in the page. */
  limit: number;
}

/** Comments in (moment, seq) order as stored (unredacted: pass them through posts/redact.ts). */
export interface StoredRange {
  comments: Comment[];
  /** Where the next page of the same range starts; null when the range has no more. */
  next: MomentCursor | null;
  seq: number;
  totalsVersion: number;
}

export interface CommentEdit {
  authorId: string;
  body: string;
  /** Server clock of the edit, ms since the epoch. */
  at: number;
  /** EDIT_WINDOW_MS: how long after writing a comment its author may edit it. */
  windowMs: number;
}

export interface NewReport {
  reporterId: string;
  reason: ReportReason;
  /** Server clock, ms since the epoch. */
  at: number;
}

export interface ReactionOp {
  commentId: string;
  kind: ReactionKind;
  userId: string;
  active: boolean;
  /**
   * Server clock when the server accepted the click, ms since the epoch (never
   * from a client); a press is stamped with the event time then. Now when absent.
   */
  at?: number;
}

/**
 * What a write did to the pulse frames (shared/src/pulse.ts). Buckets a write
 * changes wait in the store until a pulse frame carries them; at most one frame
 * per `pulseFrameMs` per post may go, all nodes together (a gate in the store).
 * `frame`: the gate was free, send these buckets now (absolute counts);
 * `retryInMs`: buckets wait and the gate is closed, call takePulse after this;
 * null: nothing waits.
 */
export type PulseOut = { frame: PulseBucket[] } | { retryInMs: number } | null;

/** NOT_FOUND: no such comment (or deleted); LOCKED: the post is locked; FORBIDDEN: the person was removed. */
export type ReactionRefusal = 'NOT_FOUND' | 'LOCKED' | 'FORBIDDEN';

export type ReactionOpResult = { ok: true; active: boolean; counts: ReactionCounts } | { ok: false; code: ReactionRefusal };

export interface ReactionBatchResult {
  /** The post's totals version after the batch: one more than before when it changed a count, else unchanged. */
  version: number;
  /** Absolute totals of every comment the batch changed. */
  totals: CommentTotals[];
  /**
   * One entry per op, in order. Ops on one comment with the same setting share
   * one read-only result object, as do refusals with the same code.
   */
  results: ReactionOpResult[];
  /** Presses that turned a reaction on while the event was live or paused were counted into the pulse (PulseOut). */
  pulse: PulseOut;
}

/** What redaction needs to know of a comment now (posts/redact.ts). */
export interface CommentState {
  authorId: string;
  hidden: boolean;
  deleted: boolean;
}

/** Current counts of comments whose counts changed after a totals version. */
export interface TotalsSince {
  /** The post's totals version these counts are current with. */
  version: number;
  totals: CommentTotals[];
}

export interface CommentPage {
  comments: Comment[];
  /** The post's sequence number this list is consistent with. */
  seq: number;
  /** The post's totals version the comments' counts are current with. */
  totalsVersion: number;
}

/** Comments after a sequence number, oldest first (Store.commentsAfter). */
export interface CommentsAfter {
  comments: Comment[];
  /** Comments after these (in the same scope). */
  remaining: number;
  /** The post's sequence number the read is consistent with. */
  seq: number;
}

export interface PageQuery {
  sort: ThreadSort;
  /** Threads ranked below this (threadRank); absent for the first page. */
  before?: number;
  /** Threads in the page. */
  threads: number;
  /** Replies given with each thread (its first ones). */
  replies: number;
}

/** A page of threads as stored (unredacted: pass it through posts/redact.ts), read in one step. */
export interface StoredPage {
  page: ThreadPage;
  /** The pinned comments in pin order, wherever they are in the discussion. */
  pinned: Comment[];
  /** The post's sequence number the page is consistent with. */
  seq: number;
  /** The post's totals version the page's counts are current with. */
  totalsVersion: number;
}

/**
 * The most reaction settings one applyReactions call may be given (the upper
 * bound of REACTION_MAX_BATCH; the contract suite runs a batch this big on both
 * engines). On Redis that is one Lua script, about one argument per click.
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
   * These checks and the write are one atomic step, and so is counting a
   * stamped comment (moment not null) into its pulse bucket.
   */
  addComment(input: NewComment): Promise<{ comment: Comment; duplicate: boolean; pulse: PulseOut }>;
  /**
   * All comments of a post in sequence order, unredacted (hidden bodies included), with the matching seq.
   * Null if no such post. Reads the whole history: for tests, tools and exports, never a viewer's read.
   */
  listComments(postId: string): Promise<CommentPage | null>;
  /**
   * A page of threads (threadRank order, highest first) with the pins, in one
   * consistent read whose cost follows the page, not the post's history. Null if no such post.
   */
  readPage(postId: string, query: PageQuery): Promise<StoredPage | null>;
  /**
   * Up to `limit` replies of the thread `rootId` with seq > `after`, oldest
   * first, unredacted. Null if no such post; no replies when `rootId` is not a
   * thread's first comment.
   */
  readReplies(postId: string, rootId: string, after: number, limit: number): Promise<ReplyPage | null>;
  /**
   * Up to `limit` comments stamped in [fromMs, toMs) (moment not null), in
   * (moment, seq) order, after the cursor, unredacted, in one consistent read
   * whose cost follows the page (an index by moment), not the post. Null if no
   * such post; throws INVALID for a cursor naming no stored comment at that place.
   */
  readMomentRange(postId: string, query: MomentRangeQuery): Promise<StoredRange | null>;

  /**
   * Up to `limit` comments with seq > `afterSeq`, oldest first, unredacted, with
   * their counts now, in one read whose cost follows `limit`, not history:
   * `scope` 'all' (every comment) or 'threads' (first comments of threads only).
   * Null if no such post. For the away digest and the transcript.
   */
  commentsAfter(postId: string, afterSeq: number, limit: number, scope: 'all' | 'threads'): Promise<CommentsAfter | null>;

  /**
   * Applies reaction settings in order as one atomic step (one Lua script on
   * Redis). Takes no sequence number and writes no replay-log entry: totals are
   * absolute, so they travel outside the ordered log. A batch that changes a
   * count takes the post's next totals version. Up to MAX_REACTION_BATCH settings.
   * In the same step, each setting that turns a reaction on while the event is
   * live or paused (a press) is stamped with the event time at its `at` and
   * counted into its pulse bucket; taking a press back does not uncount it.
   */
  applyReactions(postId: string, ops: ReactionOp[]): Promise<ReactionBatchResult>;
  /**
   * Current counts of the comments whose counts changed after totals version
   * `sinceVersion`, read in one step with the version; null when more than `max`
   * comments did (the caller sends a snapshot instead) or the post is missing.
   */
  totalsSince(postId: string, sinceVersion: number, max: number): Promise<TotalsSince | null>;
  myReactions(postId: string, userId: string): Promise<MyReactions>;

  role(postId: string, userId: string): Promise<Role>;
  /** SHA-256 hex of the post's facilitator secret, or null. */
  hostTokenHash(postId: string): Promise<string | null>;
  /** Makes the person a facilitator (and no longer removed); `name` is shown in the list of co-hosts. */
  addHost(postId: string, userId: string, name?: string): Promise<void>;
  /** The post's facilitators, creator first, then by name. Empty for no such post. */
  hosts(postId: string): Promise<CoHost[]>;
  /**
   * Takes the facilitator role back; the person becomes a participant. False when
   * they were not a facilitator. Throws INVALID for the creator, NOT_FOUND for no such post.
   */
  removeHost(postId: string, userId: string): Promise<boolean>;
  /** Replaces the facilitator link's hash: the old secret stops working. Throws NOT_FOUND. */
  setHostTokenHash(postId: string, hash: string): Promise<void>;

  /** Pins or unpins; throws NOT_FOUND (no comment), INVALID (pin limit reached). */
  setPinned(postId: string, commentId: string, pinned: boolean, maxPins: number): Promise<Sequenced<string[]>>;
  /** Hides or restores; value is the comment's body (for the restored event). Throws NOT_FOUND. */
  setHidden(postId: string, commentId: string, hidden: boolean): Promise<Sequenced<string>>;
  /**
   * The author's edit, as one atomic step: refused with NOT_FOUND (no such or
   * deleted comment), FORBIDDEN (not the author, or removed), CONFLICT (hidden),
   * EDIT_WINDOW_CLOSED (`at` is more than `windowMs` after the comment was
   * written), LOCKED (a participant on a locked post). Takes the next seq for an
   * `edited` event and erases the earlier text from the replay log (its comment
   * event and earlier edited/restored events), so a replay across it falls back
   * to a snapshot. `previous` is the earlier text (for the moderation log); seq
   * null when the text did not change.
   */
  editComment(postId: string, commentId: string, edit: CommentEdit): Promise<Sequenced<EditedComment & { previous: string }>>;
  /**
   * Counts a report once per reporter (a set per comment), in one atomic step
   * with its queue row. Throws NOT_FOUND (no such or deleted comment), INVALID
   * (your own comment). Not counted once a facilitator reviewed the comment.
   * Hiding at the threshold is the caller's (setHidden), so hides stay one path.
   */
  reportComment(postId: string, commentId: string, report: NewReport): Promise<{ counted: boolean; entry: ReportEntry }>;
  /** Open report rows, most reported first (ties: latest report first), at most `max`. */
  reportQueue(postId: string, max: number): Promise<ReportEntry[]>;
  /**
   * Takes the comment out of the queue as reviewed (later reports are not
   * counted); null when it was not in the queue. Showing or hiding it is the caller's (setHidden).
   */
  resolveReports(postId: string, commentId: string, decision: ReportDecision): Promise<ReportEntry | null>;
  /**
   * Deletes for good: the body is erased, the replay log entries that carried it
   * (its comment event, its restored events) removed, and earlier moderation log
   * entries about it say DELETED_COMMENT_DETAIL instead of its first words
   * (and earlier texts of its edits). With `authorId` (the author deleting their
   * own), FORBIDDEN unless it is theirs, checked in the same step. Edited events
   * go with the text; it leaves the report queue. Throws NOT_FOUND.
   */
  deleteComment(postId: string, commentId: string, authorId?: string): Promise<Sequenced<null>>;
  updateSettings(postId: string, patch: Partial<PostSettings>): Promise<Sequenced<PostSettings>>;
  setBanned(postId: string, userId: string, banned: boolean): Promise<boolean>;
  /**
   * Adds an entry to the list its action belongs in, trimming that list to its cap.
   * An entry about a deleted comment gets DELETED_COMMENT_DETAIL as its detail.
   */
  appendModLog(postId: string, entry: ModLogEntry, caps: ModLogCaps): Promise<void>;
  /** Both lists merged, newest first. */
  modLog(postId: string): Promise<ModLogEntry[]>;

  /**
   * Replaces the post's event clock with `next`, taking the next sequence number
   * for a `clock` event, only if the stored clock still equals `expected` (read
   * by the caller, who worked out `next` from it); null when it changed
   * meanwhile (the caller reads again and retries). The check and the write are
   * one atomic step. Throws NOT_FOUND for a missing post.
   */
  setClock(postId: string, expected: EventClock | null, next: EventClock): Promise<Sequenced<EventClock> | null>;

  /**
   * Replaces the post's moments with `next` (in time order), taking the next
   * sequence number for a `moments` event, only if the stored list still equals
   * `expected`; null when it changed meanwhile. Throws NOT_FOUND for a missing post.
   */
  setMoments(postId: string, expected: Moment[], next: Moment[]): Promise<Sequenced<Moment[]> | null>;

  /** Who may comment and react on the post (shared/src/identity.ts); the open policy when none was set or no such post. */
  identityPolicy(postId: string): Promise<IdentityPolicy>;
  /** Changes the fields given and returns the whole policy after. Throws NOT_FOUND for no such post. */
  setIdentityPolicy(postId: string, patch: IdentityPolicyPatch): Promise<IdentityPolicy>;

  /** Every pulse bucket of the post with anything in it, by index; empty for no such post. */
  pulse(postId: string): Promise<PulseBucket[]>;
  /** Sends what waits for a pulse frame if the gate is open (see PulseOut). */
  takePulse(postId: string): Promise<PulseOut>;

  /** Latest sequence number per post (0 for a post with no events or no such post). */
  heads(postIds: string[]): Promise<Record<string, number>>;

  /**
   * Events with seq > sinceSeq in order, as stored (unredacted: pass them through
   * posts/redact.ts); null when the log no longer reaches back that far.
   */
  eventsSince(postId: string, sinceSeq: number): Promise<PostEvent[] | null>;
  /** The current author and flags of these comments; ids with no comment are left out. */
  commentStates(postId: string, commentIds: string[]): Promise<Map<string, CommentState>>;

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

/** Gap between two pulse frames of one post when the engine is not told (config PULSE_FRAME_MS), ms: 5 frames/s. */
export const DEFAULT_PULSE_FRAME_MS = 200;

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
    moments: [],
  };
}

/**
 * A batch's results as both engines give them (ReactionBatchResult.results):
 * one shared object per comment and setting, carrying `countsOf(commentId)`,
 * and one per refusal code. `refusalOf(i)` is op i's refusal, or null when it
 * was applied. A storm's batch is thousands of clicks on a few comments.
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

/** Co-hosts in the order both engines list them: the creator first, then by name. */
export function sortHosts(hosts: CoHost[]): CoHost[] {
  return hosts.sort((a, b) => Number(b.creator) - Number(a.creator) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** The refusal of an edit past the window, the same from both engines. */
export const editWindowClosed = (windowMs: number): AppError =>
  new AppError('EDIT_WINDOW_CLOSED', `Comments can be edited for ${Math.round(windowMs / 60_000)} minutes after posting`);

/** The report queue's order on both engines: most reported first, then the latest report, then id. */
export function sortReports(rows: ReportEntry[]): ReportEntry[] {
  return rows.sort((a, b) => b.count - a.count || b.lastAt - a.lastAt || a.commentId.localeCompare(b.commentId));
}

/** A patch without its absent fields, so `{ host: undefined }` changes nothing in either engine. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
