/**
 * The one event contract. realtime/ and web/ both import these maps; neither
 * redeclares an event. Request-like events end in an ack that receives a Result.
 */
import { z } from 'zod';
import type { Result } from './errors.js';
import type { Digest, DigestRequest } from './digest.js';
import type { TranscriptLink, TranscriptRequest } from './transcript.js';
import {
  Author,
  ClientId,
  Comment,
  CommentBody,
  DisplayName,
  Id,
  NewPostInput,
  Post,
  PostSummary,
  ReactionCounts,
  ReactionKind,
  User,
  type PostSettings,
  type Role,
} from './schemas.js';
import { LIMITS } from './protocol.js';
import { ClockTime, EventClock, ViewerDelay } from './event-clock.js';
import { Moment, MomentLabel } from './moments.js';
import { PulseBucket } from './pulse.js';
import type {
  DeleteOwnCommentRequest,
  EditCommentRequest,
  EditedComment,
  ReportAck,
  ReportCommentRequest,
  ReportEntry,
  ReportQueueRequest,
  ResolveReportRequest,
} from './comment-tools.js';
import type { IdentityPolicy, IdentityPolicyRead, IdentityPolicyRequest, SsoExchangeRequest } from './identity.js';
import { EventTimeMs, type RangePage, type RangeRequest } from './replay.js';

// ---- requests (client → server), each parsed by the server before anything else

export const HandshakeAuth = z.object({
  /** PROTOCOL_VERSION the client was built with. */
  v: z.number().int(),
  /** Signed session token from an earlier `session` event; absent on a first visit. */
  token: z.string().max(2_000).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

export const JoinPostRequest = z.object({
  postId: Id,
  /**
   * The last sequence number the client applied for this post. When given and
   * still in the replay window, the server answers with the events after it
   * instead of a full snapshot.
   */
  sinceSeq: z.number().int().nonnegative().optional(),
  /**
   * The post's totals version the client's reaction counts are current with
   * (from its last join answer). A replay answer then carries the totals of the
   * comments whose counts changed after it; without it, of every comment with reactions.
   */
  sinceTotals: z.number().int().nonnegative().optional(),
  /**
   * Watch later (ADR 19): open the post for moment-range reads (`post:range`)
   * and comments, without its room's live events and with no comments in the
   * answer (a snapshot with an empty page and no pins): nothing ahead of the
   * replay playhead is sent. A later join without it follows the post live again.
   */
  replay: z.boolean().optional(),
});
export type JoinPostRequest = z.infer<typeof JoinPostRequest>;

export const LeavePostRequest = z.object({ postId: Id });

// ---- pages of a discussion: a join, a page load and a resync send what a person sees, not the whole post

export const THREAD_SORTS = ['new', 'top'] as const;
/** "new": newest thread first. "top": most reactions on the thread's first comment first, ties newest first. */
export const ThreadSort = z.enum(THREAD_SORTS);
export type ThreadSort = z.infer<typeof ThreadSort>;

/**
 * Top's order as one number: the first comment's reactions, ties by seq. Seqs
 * stay below 2^32 and totals below 2^21, so the key is an exact double (2^53).
 */
export const topRank = (reactionTotal: number, seq: number): number => reactionTotal * 2 ** 32 + seq;
/** Where a thread's first comment stands in a sort: pages hold threads in descending rank. */
export function threadRank(sort: ThreadSort, root: { seq: number; reactions: ReactionCounts }): number {
  const { like, love, laugh, wow } = root.reactions;
  return sort === 'new' ? root.seq : topRank(like + love + laugh + wow, root.seq);
}

/** A thread as a page carries it: its first comment, its first replies (every descendant, oldest first) and how many it has. */
export const ThreadSlice = z.object({
  root: Comment,
  replies: z.array(Comment),
  replyCount: z.number().int().nonnegative(),
});
export type ThreadSlice = z.infer<typeof ThreadSlice>;

/** A page of threads in one sort, highest rank first. */
export const ThreadPage = z.object({
  sort: ThreadSort,
  threads: z.array(ThreadSlice),
  /** The `before` that asks for the next page (the last thread's rank); null when none comes after. */
  next: z.number().nonnegative().nullable(),
  /** Threads after this page in this sort. */
  remaining: z.number().int().nonnegative(),
  /** The post's sequence number and totals version the page was read at (one consistent read). */
  seq: z.number().int().nonnegative(),
  totalsVersion: z.number().int().nonnegative(),
});
export type ThreadPage = z.infer<typeof ThreadPage>;

/** More replies of one thread, oldest first. */
export const ReplyPage = z.object({
  rootId: Id,
  replies: z.array(Comment),
  /** Replies after these. */
  remaining: z.number().int().nonnegative(),
  /** The post's sequence number the replies were read at. */
  seq: z.number().int().nonnegative(),
});
export type ReplyPage = z.infer<typeof ReplyPage>;

export const PageRequest = z.object({
  postId: Id,
  sort: ThreadSort.default('new'),
  /** Threads ranked below this (ThreadPage.next); absent for the first page. */
  before: z.number().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type PageRequest = z.input<typeof PageRequest>;

export const RepliesRequest = z.object({
  postId: Id,
  rootId: Id,
  /** Replies with a seq above this (the last one the client has in a row from the first). */
  after: z.number().int().nonnegative().default(0),
});
export type RepliesRequest = z.input<typeof RepliesRequest>;

export const PinsRequest = z.object({ postId: Id });

/** Events that carry nothing but their ack (`lobby:join`, `lobby:leave`). One schema for every connection. */
export const NoPayload = z.undefined();

export const CreateCommentRequest = z.object({
  postId: Id,
  parentId: Id.nullable().default(null),
  body: CommentBody,
  /** Client-made idempotency key: a resend with the same key is stored once. */
  clientId: ClientId,
  /**
   * How far the writer's stream runs behind the event clock ("My stream is
   * behind"), ms: the server stamps the comment with the event time less this,
   * bounded. The moment itself is never taken from a client (no such field).
   */
  delayMs: ViewerDelay.optional(),
  /**
   * Written while watching later: the writer's replay playhead, ms. The server
   * bounds it to the event's length so far (a later value is clamped, not
   * refused) and marks the comment `replayed`; CONFLICT when the event never started.
   */
  replayAtMs: EventTimeMs.optional(),
});
export type CreateCommentRequest = z.input<typeof CreateCommentRequest>;

export const SetReactionRequest = z.object({
  postId: Id,
  commentId: Id,
  kind: ReactionKind,
  /** The state the person wants (pressed or not). Setting is idempotent; toggling would not be. */
  active: z.boolean(),
  /**
   * The client's own number for this click. Sent without an ack, the click is
   * answered under this number in the connection's `reaction:receipts` frames.
   */
  ref: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type SetReactionRequest = z.infer<typeof SetReactionRequest>;

/** A stored click: the person's setting, and the comment's totals after its flush with their totals version (see PostTotals). */
export interface ReactionSetResult {
  active: boolean;
  counts: ReactionCounts;
  version: number;
}

/** One answered click, under the ref the client sent; null when the request was too malformed to carry one. */
export interface ReactionReceipt {
  ref: number | null;
  result: Result<ReactionSetResult>;
}

export const RenameRequest = z.object({ name: DisplayName });

export const CreatePostRequest = NewPostInput;

export const ClaimFacilitatorRequest = z.object({
  postId: Id,
  /** The secret from the facilitator link. */
  token: z.string().min(20).max(200),
});

export const PinRequest = z.object({ postId: Id, commentId: Id, pinned: z.boolean() });
export const HideRequest = z.object({ postId: Id, commentId: Id, hidden: z.boolean() });
export const DeleteCommentRequest = z.object({ postId: Id, commentId: Id });
export const SettingsRequest = z
  .object({
    postId: Id,
    locked: z.boolean().optional(),
    slowModeSeconds: z.number().int().min(0).max(LIMITS.slowModeMaxSeconds).optional(),
  })
  .refine((r) => r.locked !== undefined || r.slowModeSeconds !== undefined, 'Nothing to change');
export const BanRequest = z.object({
  postId: Id,
  userId: Id,
  banned: z.boolean(),
  /**
   * Also remove (or let back) the address the person last commented from, for
   * this post only: a fresh session from it cannot comment or react here. Others
   * sharing that address (a venue, a household) are removed with them.
   */
  withAddress: z.boolean().default(false),
});
export const ModLogRequest = z.object({ postId: Id });

export const MOD_ACTIONS = ['claim', 'pin', 'unpin', 'hide', 'restore', 'delete', 'lock', 'unlock', 'slow-mode', 'ban', 'unban', 'remove-host', 'rotate-link', 'edit', 'auto-hide', 'dismiss-reports', 'confirm-report'] as const;
export type ModAction = (typeof MOD_ACTIONS)[number];
/** Actions the record must keep whatever the volume of routine ones (LIMITS.modLogKeptMax). */
export const DESTRUCTIVE_MOD_ACTIONS: readonly ModAction[] = ['delete', 'ban', 'claim', 'remove-host', 'rotate-link'];
/** What the log says of a comment after it was deleted, in place of its first words. */
export const DELETED_COMMENT_DETAIL = 'deleted comment';

/**
 * A facilitator's control of the event clock. Times are typed by people
 * (`mm:ss` / `h:mm:ss`) and parsed here; whether a control fits the clock's
 * state (Start on a live event, Jump on an ended one) is the server's call.
 */
export const ClockControlRequest = z.discriminatedUnion('action', [
  /** Optional running length: the clock never passes it. */
  z.object({ postId: Id, action: z.literal('start'), length: ClockTime.optional() }),
  z.object({ postId: Id, action: z.literal('pause') }),
  z.object({ postId: Id, action: z.literal('resume') }),
  z.object({ postId: Id, action: z.literal('jump'), to: ClockTime }),
  z.object({ postId: Id, action: z.literal('end') }),
]);
export type ClockControlRequest = z.input<typeof ClockControlRequest>;
export type ClockAction = ClockControlRequest['action'];
/** A control as the server reads it: times in ms. */
export type ClockControl = z.output<typeof ClockControlRequest>;

/**
 * A facilitator's change to the post's moments. `mark` without `at` marks the
 * current event time; with it, a typed time (`mm:ss` / `h:mm:ss`). Whether the
 * event has a clock to mark against, the moment exists and the cap allows one
 * more is the server's call.
 */
export const MomentChangeRequest = z.discriminatedUnion('action', [
  z.object({ postId: Id, action: z.literal('mark'), label: MomentLabel, at: ClockTime.optional() }),
  z.object({ postId: Id, action: z.literal('rename'), momentId: Id, label: MomentLabel }),
  z.object({ postId: Id, action: z.literal('remove'), momentId: Id }),
]);
export type MomentChangeRequest = z.input<typeof MomentChangeRequest>;
/** A change as the server reads it: times in ms, labels cleaned. */
export type MomentChange = z.output<typeof MomentChangeRequest>;

/** The answer to `clock:ping`: the server's clock when it answered, ms since the epoch. */
export interface ClockPing {
  serverTime: number;
}


export const ModLogEntry = z.object({
  /** ms since the epoch */
  at: z.number().int(),
  by: Author,
  action: z.enum(MOD_ACTIONS),
  /** The comment or person acted on, when there is one. */
  target: z.string().nullable(),
  /** Words for people: "30 s", the first words of a hidden comment. */
  detail: z.string().nullable(),
});
export type ModLogEntry = z.infer<typeof ModLogEntry>;

// Co-hosting: who holds the facilitator role, taking it back, and a new link.
export const HostsRequest = z.object({ postId: Id });
export const RemoveHostRequest = z.object({ postId: Id, userId: Id });
export const RotateLinkRequest = z.object({ postId: Id });

export const CoHost = z.object({
  id: Id,
  /** The name they had when they became a facilitator. */
  name: z.string(),
  /** Started the discussion: cannot be removed. */
  creator: z.boolean(),
});
export type CoHost = z.infer<typeof CoHost>;

// ---- reaction totals (server → client), outside the ordered log

export const CommentTotals = z.object({ commentId: Id, counts: ReactionCounts });
export type CommentTotals = z.infer<typeof CommentTotals>;

/**
 * Absolute reaction counts of the comments one flush changed. Not sequenced:
 * `version` is the post's totals version after that flush (it grows with every
 * flush that changes a count), and a client keeps, per comment, the counts of
 * the highest version it has seen. A lost frame is healed by the next one.
 */
export const PostTotals = z.object({
  version: z.number().int().nonnegative(),
  totals: z.array(CommentTotals),
  /**
   * The pulse buckets the flush (or writes since the last pulse frame) changed,
   * absolute (shared/src/pulse.ts); absent when none, or when a pulse frame went
   * out less than PULSE_FRAME_MS ago (then a `post:pulse` frame follows).
   */
  pulse: z.array(PulseBucket).optional(),
});
export type PostTotals = z.infer<typeof PostTotals>;

// ---- ordered post events (server → client), each with the post's sequence number

export const PostEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('comment'), seq: z.number().int(), comment: Comment }),
  /** The full pin list after a pin or unpin, in pin order. */
  z.object({ type: z.literal('pins'), seq: z.number().int(), pinned: z.array(Id) }),
  /** A facilitator hid a comment. Carries no text: participants must not receive it. */
  z.object({ type: z.literal('hidden'), seq: z.number().int(), commentId: Id }),
  /** A facilitator restored a hidden comment; the text comes back with it. */
  z.object({ type: z.literal('restored'), seq: z.number().int(), commentId: Id, body: z.string() }),
  /** A facilitator deleted a comment for good; it stays as a tombstone. */
  z.object({ type: z.literal('deleted'), seq: z.number().int(), commentId: Id }),
  /** The author edited their comment: its new text and when. The earlier text goes only to facilitators' moderation log. */
  z.object({ type: z.literal('edited'), seq: z.number().int(), commentId: Id, body: z.string(), editedAt: z.number().int() }),
  z.object({ type: z.literal('settings'), seq: z.number().int(), locked: z.boolean(), slowModeSeconds: z.number().int() }),
  /** A facilitator started, paused, resumed, moved or ended the event clock: its whole new state. */
  z.object({ type: z.literal('clock'), seq: z.number().int(), clock: EventClock }),
  /** A facilitator marked, renamed or removed a moment: the whole new list, in time order. */
  z.object({ type: z.literal('moments'), seq: z.number().int(), moments: z.array(Moment) }),
]);
export type PostEvent = z.infer<typeof PostEvent>;

/** Reactions the current person has pressed, per comment id. */
export type MyReactions = Record<string, ReactionKind[]>;

export type JoinResult =
  | {
      mode: 'snapshot';
      post: Post;
      /** The newest page of threads; older ones by `post:page`. */
      page: ThreadPage;
      /** The pinned comments, in pin order, wherever they are in the discussion. */
      pinned: Comment[];
      /** Sequence number the snapshot is consistent with. */
      seq: number;
      /** Totals version the comments' counts are current with. */
      totalsVersion: number;
      mine: MyReactions;
      role: Role;
      /** The post's pulse buckets with anything in them (empty when the event never started). */
      pulse: PulseBucket[];
    }
  | {
      mode: 'replay';
      /** Events after the requested sinceSeq, in order, none missing. */
      events: PostEvent[];
      seq: number;
      /** Current counts of the comments whose counts changed after the request's `sinceTotals`. */
      totals: CommentTotals[];
      totalsVersion: number;
      mine: MyReactions;
      role: Role;
      /** The whole pulse, read after the events: merged into the client's (counts only grow). */
      pulse: PulseBucket[];
    };

export interface CreatedPost {
  post: Post;
  /**
   * Secret that makes whoever opens the facilitator link a co-facilitator.
   * Shown once to the creator; the server keeps only its hash.
   */
  facilitatorToken: string;
}

export interface SessionInfo {
  /** Opaque signed token to send back in the handshake `auth.token`. */
  token: string;
  user: User;
}

export interface PresenceUpdate {
  postId: string;
  /** People viewing the post now, all nodes together. */
  viewers: number;
}

/** A change to one row of the post list; only the fields that changed are present. */
export interface PostStats {
  postId: string;
  commentCount?: number;
  viewers?: number;
  /** The post's event clock changed. */
  clock?: EventClock;
}

type Ack<T> = (res: Result<T>) => void;

export interface ClientToServerEvents {
  'post:join': (req: JoinPostRequest, ack: Ack<JoinResult>) => void;
  'post:leave': (req: z.input<typeof LeavePostRequest>, ack?: Ack<null>) => void;
  /** Older threads (or a page of Top) of a post the connection has joined. */
  'post:page': (req: PageRequest, ack: Ack<ThreadPage>) => void;
  /** More replies of one thread of a post the connection has joined. */
  'post:replies': (req: RepliesRequest, ack: Ack<ReplyPage>) => void;
  /** The pinned comments of a joined post, in pin order: for a pin of a comment the page has not loaded. */
  'post:pins': (req: z.input<typeof PinsRequest>, ack: Ack<Comment[]>) => void;
  /** What happened on a joined post since a sequence number: the away digest (shared/src/digest.ts). */
  'post:digest': (req: DigestRequest, ack: Ack<Digest>) => void;
  /** Facilitators only (FORBIDDEN otherwise): a one-minute link that downloads the transcript (shared/src/transcript.ts). */
  'post:transcript': (req: TranscriptRequest, ack: Ack<TranscriptLink>) => void;
  /** Watch later: a page of a joined post's comments stamped in [fromMs, toMs), in (moment, seq) order. */
  'post:range': (req: RangeRequest, ack: Ack<RangePage>) => void;
  'lobby:join': (ack: Ack<null>) => void;
  'lobby:leave': (ack?: Ack<null>) => void;
  'comment:create': (req: CreateCommentRequest, ack: Ack<Comment>) => void;
  /**
   * With an ack, answered per click after its flush. Without one (the web
   * client), answered in the connection's `reaction:receipts` frame of that
   * flush: one frame per flush, not one per click.
   */
  'reaction:set': (req: z.input<typeof SetReactionRequest>, ack?: Ack<ReactionSetResult>) => void;
  'session:rename': (req: z.input<typeof RenameRequest>, ack: Ack<SessionInfo>) => void;
  'post:create': (req: z.input<typeof CreatePostRequest>, ack: Ack<CreatedPost>) => void;
  'post:claim': (req: z.input<typeof ClaimFacilitatorRequest>, ack: Ack<{ role: Role }>) => void;
  // Facilitator actions: each refused with FORBIDDEN for anyone else, and broadcast when it changes something.
  'mod:pin': (req: z.input<typeof PinRequest>, ack: Ack<{ pinned: string[] }>) => void;
  'mod:hide': (req: z.input<typeof HideRequest>, ack: Ack<null>) => void;
  'mod:delete': (req: z.input<typeof DeleteCommentRequest>, ack: Ack<null>) => void;
  'mod:settings': (req: z.input<typeof SettingsRequest>, ack: Ack<PostSettings>) => void;
  'mod:ban': (req: z.input<typeof BanRequest>, ack: Ack<null>) => void;
  'mod:log': (req: z.input<typeof ModLogRequest>, ack: Ack<ModLogEntry[]>) => void;
  /** The post's facilitators, creator first. */
  'mod:hosts': (req: z.input<typeof HostsRequest>, ack: Ack<CoHost[]>) => void;
  /** Takes the facilitator role back from a co-host (never the creator); they hear `post:role` 'participant'. */
  'mod:remove-host': (req: z.input<typeof RemoveHostRequest>, ack: Ack<null>) => void;
  /** A new facilitator link; the old one stops working, facilitators keep their role. The secret is in this ack only. */
  'mod:rotate-link': (req: z.input<typeof RotateLinkRequest>, ack: Ack<{ facilitatorToken: string }>) => void;
  /** Facilitators only (FORBIDDEN otherwise); CONFLICT when the control does not fit the clock's state. */
  'clock:control': (req: ClockControlRequest, ack: Ack<EventClock>) => void;
  /** The server's time, for the client's offset estimate (several samples, the fastest kept). */
  'clock:ping': (ack: Ack<ClockPing>) => void;
  /** Facilitators only (FORBIDDEN otherwise); answered with the post's moments after the change. */
  'moment:change': (req: MomentChangeRequest, ack: Ack<Moment[]>) => void;
  // Comment tools (comment-tools.ts). Refusals: NOT_FOUND (no such or deleted comment), FORBIDDEN (not yours),
  // CONFLICT (hidden), EDIT_WINDOW_CLOSED, LOCKED, INVALID (body).
  'comment:edit': (req: EditCommentRequest, ack: Ack<EditedComment>) => void;
  'comment:delete': (req: z.input<typeof DeleteOwnCommentRequest>, ack: Ack<null>) => void;
  /** Counted once per person; INVALID for your own comment. */
  'comment:report': (req: ReportCommentRequest, ack: Ack<ReportAck>) => void;
  /** Facilitators only: the open reports, most reported first. */
  'mod:reports': (req: z.input<typeof ReportQueueRequest>, ack: Ack<ReportEntry[]>) => void;
  /** Facilitators only: dismiss (shown again) or confirm (stays hidden); NOT_FOUND when it is not in the queue. */
  'mod:resolve-report': (req: ResolveReportRequest, ack: Ack<ReportEntry>) => void;
  /**
   * Exchanges a host's signed token (single sign-on) for a board session marked
   * "verified by <host>"; TOKEN_* codes say why one is refused. The client keeps
   * the new token and reconnects with it.
   */
  'session:sso': (req: SsoExchangeRequest, ack: Ack<SessionInfo>) => void;
  /** Who may comment and react on a post (guests can always read). */
  'post:policy': (req: z.input<typeof IdentityPolicyRead>, ack: Ack<IdentityPolicy>) => void;
  /** Facilitators only (FORBIDDEN otherwise): require verified identities to comment and/or react; the post hears `post:policy`. */
  'mod:identity': (req: IdentityPolicyRequest, ack: Ack<IdentityPolicy>) => void;
}

export interface ServerToClientEvents {
  /** Sent right after connecting: who the server thinks this client is. */
  session: (info: SessionInfo) => void;
  /** Ordered events for one post; an array so a busy tick costs one frame. */
  'post:events': (postId: string, events: PostEvent[]) => void;
  /**
   * The post's latest sequence number, sent every few seconds to each room. A
   * viewer behind it missed a broadcast in a quiet moment and resyncs.
   */
  'post:head': (postId: string, seq: number) => void;
  presence: (update: PresenceUpdate) => void;
  /**
   * Your role on a post changed (a facilitator removed or readmitted you, or
   * you claimed the facilitator link in another tab). Sent to all your tabs.
   */
  'post:role': (postId: string, role: Role) => void;
  /**
   * Reaction totals of a post after a flush (unsequenced, latest version wins).
   * On one connection a flush's totals come before its receipts.
   */
  'post:totals': (postId: string, totals: PostTotals) => void;
  /** Answers to this connection's ack-less `reaction:set`s: one frame per flush that stored some. */
  'reaction:receipts': (receipts: ReactionReceipt[]) => void;
  /**
   * Pulse buckets changed by comments, or by reactions whose flush came too
   * soon after the last pulse frame: at most one pulse-bearing frame (this or
   * `post:totals` with `pulse`) per PULSE_FRAME_MS per post, all nodes together.
   */
  'post:pulse': (postId: string, buckets: PulseBucket[]) => void;
  'lobby:stats': (stats: PostStats) => void;
  /** A discussion was created: the list shows it at the top. */
  'lobby:post': (post: PostSummary) => void;
  /** To a post's facilitators (every tab of theirs): a row of its report queue changed (status says if it left). */
  'mod:report': (postId: string, entry: ReportEntry) => void;
  /** A facilitator changed who may comment and react on the post. */
  'post:policy': (postId: string, policy: IdentityPolicy) => void;
}
