/**
 * The embedded engine: one process, no Redis. Used by default for trying the
 * board out and by unit tests. Same contract as the Redis engine; each method
 * runs to completion without awaiting, which makes it atomic in one process.
 */
import {
  AppError,
  DELETED_COMMENT_DETAIL,
  DESTRUCTIVE_MOD_ACTIONS,
  emptyCounts,
  momentAt,
  replayMomentAt,
  threadRank,
  pulseBucketOf,
  PULSE_COMMENTS_AT,
  PULSE_KIND_AT,
  sortMoments,
  type Comment,
  type Moment,
  type PulseBucket,
  type CommentTotals,
  type ModLogEntry,
  type MyReactions,
  type ReactionCounts,
  type PostEvent,
  type Role,
  type ThreadSlice,
  type ReportEntry,
  type ReportReason,
  openPolicy,
  type IdentityPolicy,
} from '@board/shared';
import type {
  CommentPage,
  CommentState,
  NewComment,
  PageQuery,
  PostRecord,
  PulseOut,
  ReactionBatchResult,
  ReactionOp,
  ReactionRefusal,
  Store,
  TotalsSince,
} from './types.js';
import { DEFAULT_PULSE_FRAME_MS, definedOnly, editWindowClosed, groupPressed, newId, newPostRecord, REPLAY_MAX, sharedResults, sortHosts, sortReports } from './types.js';

/** A post event before it has its sequence number (Omit distributed over the union). */
type Unsequenced = PostEvent extends infer E ? (E extends PostEvent ? Omit<E, 'seq'> : never) : never;

interface PostState {
  record: PostRecord;
  seq: number;
  comments: Map<string, Comment>;
  order: Comment[];
  /** Top-level comments in seq order: the threads. */
  roots: Comment[];
  /** Stamped comments in (moment, seq) order: the index of moment-range reads. */
  byMoment: Comment[];
  /** Thread's first comment id → its replies (every descendant) in seq order. */
  replies: Map<string, Comment[]>;
  /** userId → the `${commentId}|${kind}` members that person has pressed. */
  pressed: Map<string, Set<string>>;
  /** Grows with every reaction batch that changes a count. */
  totalsVersion: number;
  /** commentId → the totals version of its last count change. */
  totalsChanged: Map<string, number>;
  /** `${userId}:${clientId}` → comment id, for idempotent resends. */
  written: Map<string, string>;
  log: PostEvent[];
  hosts: Set<string>;
  /** Facilitator id → the name they had when they became one. */
  hostNames: Map<string, string>;
  creatorId: string | null;
  banned: Set<string>;
  hostTokenHash: string | null;
  /** userId → when that person may comment again in slow mode (ms since epoch). */
  slowUntil: Map<string, number>;
  /** Routine and destructive moderation entries, newest first, each with its place in the post's order of entries. */
  modLog: LoggedEntry[];
  keptLog: LoggedEntry[];
  modLogCount: number;
  /** Pulse buckets by index (counts only grow). */
  pulse: Map<number, PulseBucket>;
  /** Buckets changed since the last pulse frame. */
  pulseDirty: Set<number>;
  /** No pulse frame before this time (ms since epoch). */
  pulseGateUntil: number;
  /** Reported comments: who reported (each counted once), per reason, and whether it waits in the queue. */
  reports: Map<string, ReportRow>;
}

interface ReportRow {
  reporters: Set<string>;
  reasons: Map<ReportReason, number>;
  lastAt: number;
  /** In the queue until a facilitator reviews it (or it is deleted); reviewed ones count no more reports. */
  status: ReportEntry['status'];
}

interface LoggedEntry {
  n: number;
  entry: ModLogEntry;
}

export interface MemoryStoreOptions {
  /** Events kept per post for resyncs. */
  replayLogMax?: number;
  /** Longest replay answered; a client further behind reloads the snapshot, which is cheaper. */
  replayMax?: number;
  /** Least gap between two pulse frames of a post, ms (config PULSE_FRAME_MS). */
  pulseFrameMs?: number;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const replayLogMax = opts.replayLogMax ?? 10_000;
  const replayMax = opts.replayMax ?? REPLAY_MAX;
  const pulseFrameMs = opts.pulseFrameMs ?? DEFAULT_PULSE_FRAME_MS;
  const posts = new Map<string, PostState>();
  const viewersByNode = new Map<string, Map<string, number>>();
  /** Posts' identity policies (sso/); absent: the open policy. */
  const policies = new Map<string, IdentityPolicy>();

  const requirePost = (postId: string): PostState => {
    const post = posts.get(postId);
    if (!post) throw new AppError('NOT_FOUND', 'No such post');
    return post;
  };

  const requireComment = (post: PostState, commentId: string): Comment => {
    const comment = post.comments.get(commentId);
    if (!comment || comment.deleted) throw new AppError('NOT_FOUND', 'No such comment');
    return comment;
  };

  /** Takes the next sequence number and records the event in the replay log. */
  const append = (post: PostState, event: Unsequenced): number => {
    post.seq += 1;
    post.log.push({ ...event, seq: post.seq } as PostEvent);
    // Trim in chunks so the array is not shifted on every write.
    if (post.log.length > replayLogMax * 1.1) post.log.splice(0, post.log.length - replayLogMax);
    return post.seq;
  };

  /** Counts one press or comment into the bucket of `momentMs`, for the next pulse frame. */
  const countPulse = (post: PostState, momentMs: number, at: 1 | 2 | 3 | 4 | 5) => {
    const i = pulseBucketOf(momentMs);
    let b = post.pulse.get(i);
    if (!b) post.pulse.set(i, (b = [i, 0, 0, 0, 0, 0]));
    b[at] += 1;
    post.pulseDirty.add(i);
  };

  /** The pulse gate (PulseOut): the waiting buckets if a frame may go now. */
  const pulseOut = (post: PostState): PulseOut => {
    if (post.pulseDirty.size === 0) return null;
    const now = Date.now();
    if (now < post.pulseGateUntil) return { retryInMs: post.pulseGateUntil - now };
    post.pulseGateUntil = now + pulseFrameMs;
    const frame = [...post.pulseDirty].sort((a, b) => a - b).map((i) => [...post.pulse.get(i)!] as PulseBucket);
    post.pulseDirty.clear();
    return { frame };
  };

  const copy = (c: Comment): Comment => ({ ...c, author: { ...c.author }, reactions: { ...c.reactions } });
  const copyRecord = (r: PostRecord): PostRecord => ({
    ...r,
    pinned: [...r.pinned],
    clock: r.clock && { ...r.clock },
    moments: r.moments.map((m) => ({ ...m })),
  });
  const sameClock = (a: PostRecord['clock'], b: PostRecord['clock']) => JSON.stringify(a) === JSON.stringify(b);

  return {
    engine: 'memory',

    async createPost(input) {
      const record = newPostRecord(input);
      const id = record.id;
      if (posts.has(id)) throw new AppError('INVALID', 'A post with this id exists');
      posts.set(id, {
        record,
        seq: 0,
        comments: new Map(),
        order: [],
        roots: [],
        byMoment: [],
        replies: new Map(),
        pressed: new Map(),
        totalsVersion: 0,
        totalsChanged: new Map(),
        written: new Map(),
        log: [],
        hosts: new Set(input.hostId ? [input.hostId] : []),
        hostNames: new Map(input.hostId && input.hostName ? [[input.hostId, input.hostName]] : []),
        creatorId: input.hostId ?? null,
        banned: new Set(),
        hostTokenHash: input.hostTokenHash ?? null,
        slowUntil: new Map(),
        modLog: [],
        keptLog: [],
        modLogCount: 0,
        pulse: new Map(),
        pulseDirty: new Set(),
        pulseGateUntil: 0,
        reports: new Map(),
      });
      return copyRecord(record);
    },

    async getPost(postId) {
      const post = posts.get(postId);
      return post ? copyRecord(post.record) : null;
    },

    async listPosts() {
      return [...posts.values()].map((p) => copyRecord(p.record)).sort((a, b) => b.createdAt - a.createdAt);
    },

    async addComment(input: NewComment) {
      const post = requirePost(input.postId);
      const writeKey = `${input.author.id}:${input.clientId}`;
      const earlier = post.written.get(writeKey);
      if (earlier) return { comment: copy(post.comments.get(earlier)!), duplicate: true, pulse: null };
      const userId = input.author.id;
      if (post.banned.has(userId)) throw new AppError('FORBIDDEN', 'A facilitator removed you from this discussion');
      const host = post.hosts.has(userId);
      if (!host && post.record.locked) throw new AppError('LOCKED', 'This discussion is locked: no new comments for now');
      const parent = input.parentId === null ? null : post.comments.get(input.parentId);
      if (parent === undefined) throw new AppError('NOT_FOUND', 'The comment you replied to no longer exists');
      if (!host && post.record.slowModeSeconds > 0) {
        const now = Date.now();
        const until = post.slowUntil.get(userId) ?? 0;
        if (until > now) {
          throw new AppError('RATE_LIMITED', 'Slow mode is on: please wait before commenting again', until - now);
        }
        post.slowUntil.set(userId, now + post.record.slowModeSeconds * 1_000);
      }
      const acceptedAt = input.createdAt ?? Date.now();
      const comment: Comment = {
        id: newId('c'),
        postId: input.postId,
        parentId: input.parentId,
        rootId: parent ? (parent.rootId ?? parent.id) : null,
        author: { ...input.author },
        body: input.body,
        createdAt: acceptedAt,
        seq: post.seq + 1,
        reactions: emptyCounts(),
        byFacilitator: host,
        hidden: false,
        deleted: false,
        clientId: input.clientId,
        moment: momentAt(post.record.clock, acceptedAt, input.delayMs ?? 0),
      };
      if (input.replayAtMs !== undefined) {
        const moment = replayMomentAt(post.record.clock, acceptedAt, input.replayAtMs);
        if (moment !== null) Object.assign(comment, { moment, replayed: true });
      }
      append(post, { type: 'comment', comment: copy(comment) });
      post.comments.set(comment.id, comment);
      post.order.push(comment);
      if (comment.moment !== null) {
        // Live comments come in moment order (an append); a replayed one or one after a Jump back goes in between.
        post.byMoment.splice(firstAfterPlace(post.byMoment, comment.moment, comment.seq), 0, comment);
      }
      if (comment.rootId === null) post.roots.push(comment);
      else {
        let thread = post.replies.get(comment.rootId);
        if (!thread) post.replies.set(comment.rootId, (thread = []));
        thread.push(comment);
      }
      post.written.set(writeKey, comment.id);
      post.record.commentCount += 1;
      if (comment.moment !== null) countPulse(post, comment.moment, PULSE_COMMENTS_AT);
      return { comment: copy(comment), duplicate: false, pulse: pulseOut(post) };
    },

    async listComments(postId): Promise<CommentPage | null> {
      const post = posts.get(postId);
      if (!post) return null;
      return { comments: post.order.map(copy), seq: post.seq, totalsVersion: post.totalsVersion };
    },

    async readPage(postId, query: PageQuery) {
      const post = posts.get(postId);
      if (!post) return null;
      const below = query.before ?? Infinity;
      let picked: Comment[];
      let remaining: number;
      if (query.sort === 'new') {
        // Roots are in seq order: the page is the run just below `before`, newest first.
        const end = firstAtOrAbove(post.roots, below);
        picked = post.roots.slice(Math.max(0, end - query.threads), end).reverse();
        remaining = Math.max(0, end - picked.length);
      } else {
        // Ranks move with reactions: one pass keeps the best `threads` below `before` (the page is copied, not the post).
        picked = [];
        let candidates = 0;
        const rank = (c: Comment) => threadRank('top', c);
        for (const root of post.roots) {
          const r = rank(root);
          if (r >= below) continue;
          candidates++;
          if (picked.length === query.threads && (query.threads === 0 || r <= rank(picked[picked.length - 1]!))) continue;
          let at = picked.length;
          while (at > 0 && rank(picked[at - 1]!) < r) at--;
          picked.splice(at, 0, root);
          if (picked.length > query.threads) picked.pop();
        }
        remaining = candidates - picked.length;
      }
      const threads: ThreadSlice[] = picked.map((root) => {
        const replies = post.replies.get(root.id) ?? [];
        return { root: copy(root), replies: replies.slice(0, query.replies).map(copy), replyCount: replies.length };
      });
      const last = picked.at(-1);
      return {
        page: {
          sort: query.sort,
          threads,
          next: last && remaining > 0 ? threadRank(query.sort, last) : null,
          remaining,
          seq: post.seq,
          totalsVersion: post.totalsVersion,
        },
        pinned: post.record.pinned.map((id) => post.comments.get(id)).filter((c): c is Comment => !!c).map(copy),
        seq: post.seq,
        totalsVersion: post.totalsVersion,
      };
    },

    async readReplies(postId, rootId, after, limit) {
      const post = posts.get(postId);
      if (!post) return null;
      const thread = post.replies.get(rootId) ?? [];
      const start = firstAtOrAbove(thread, after + 1);
      const replies = thread.slice(start, start + limit);
      return { rootId, replies: replies.map(copy), remaining: thread.length - start - replies.length, seq: post.seq };
    },

    async commentsAfter(postId, afterSeq, limit, scope) {
      const post = posts.get(postId);
      if (!post) return null;
      const list = scope === 'threads' ? post.roots : post.order;
      const start = firstAtOrAbove(list, afterSeq + 1);
      const comments = list.slice(start, start + limit);
      return { comments: comments.map(copy), remaining: list.length - start - comments.length, seq: post.seq };
    },

    async readMomentRange(postId, query) {
      const post = posts.get(postId);
      if (!post) return null;
      const list = post.byMoment;
      let start = firstAfterPlace(list, query.fromMs, 0);
      if (query.after) {
        const { moment, seq, id } = query.after;
        const named = post.comments.get(id);
        if (!named || named.seq !== seq || named.moment !== moment) throw new AppError('INVALID', 'Not a valid range cursor');
        start = Math.max(start, firstAfterPlace(list, moment, seq));
      }
      const page: Comment[] = [];
      let i = start;
      for (; i < list.length && page.length < query.limit && list[i]!.moment! < query.toMs; i++) page.push(copy(list[i]!));
      const more = i < list.length && list[i]!.moment! < query.toMs;
      const last = page.at(-1);
      return {
        comments: page,
        next: more && last ? { moment: last.moment!, seq: last.seq, id: last.id } : null,
        seq: post.seq,
        totalsVersion: post.totalsVersion,
      };
    },

    async applyReactions(postId: string, ops: ReactionOp[]): Promise<ReactionBatchResult> {
      const post = requirePost(postId);
      const touched = new Set<string>();
      const locked = post.record.locked;
      const clock = post.record.clock;
      const stamping = clock !== null && (clock.state === 'live' || clock.state === 'paused');
      // First apply every op, noting only the refusals; the answers come after.
      const refusals: (ReactionRefusal | null)[] = ops.map((op) => {
        const comment = post.comments.get(op.commentId);
        if (!comment || comment.deleted) return 'NOT_FOUND';
        if (locked) return 'LOCKED';
        if (post.banned.has(op.userId)) return 'FORBIDDEN';
        let mine = post.pressed.get(op.userId);
        if (!mine) post.pressed.set(op.userId, (mine = new Set()));
        const member = `${op.commentId}|${op.kind}`;
        const had = mine.has(member);
        if (op.active && !had) {
          mine.add(member);
          comment.reactions[op.kind] += 1;
          touched.add(comment.id);
          // A press: stamped with the event time at which the server accepted it.
          if (stamping) countPulse(post, momentAt(clock, op.at ?? Date.now())!, PULSE_KIND_AT[op.kind]);
        } else if (!op.active && had) {
          mine.delete(member);
          comment.reactions[op.kind] = Math.max(0, comment.reactions[op.kind] - 1);
          touched.add(comment.id);
        }
        return null;
      });
      // Results carry the counts after the whole batch, as the broadcast does: one copy per comment.
      const after = new Map<string, ReactionCounts>();
      const countsAfter = (commentId: string): ReactionCounts => {
        let counts = after.get(commentId);
        if (!counts) after.set(commentId, (counts = { ...post.comments.get(commentId)!.reactions }));
        return counts;
      };
      const results = sharedResults(ops, (i) => refusals[i] ?? null, countsAfter);
      if (touched.size === 0) return { version: post.totalsVersion, totals: [], results, pulse: pulseOut(post) };
      const version = ++post.totalsVersion;
      for (const commentId of touched) post.totalsChanged.set(commentId, version);
      const totals = [...touched].map((commentId) => ({ commentId, counts: countsAfter(commentId) }));
      return { version, totals, results, pulse: pulseOut(post) };
    },

    async totalsSince(postId, sinceVersion, max): Promise<TotalsSince | null> {
      const post = posts.get(postId);
      if (!post) return null;
      const totals: CommentTotals[] = [];
      for (const [commentId, version] of post.totalsChanged) {
        if (version <= sinceVersion) continue;
        if (totals.length === max) return null;
        totals.push({ commentId, counts: { ...post.comments.get(commentId)!.reactions } });
      }
      return { version: post.totalsVersion, totals };
    },

    async myReactions(postId, userId): Promise<MyReactions> {
      const mine = posts.get(postId)?.pressed.get(userId);
      return groupPressed(mine ?? []);
    },

    async role(postId, userId): Promise<Role> {
      const post = posts.get(postId);
      if (post?.banned.has(userId)) return 'removed';
      return post?.hosts.has(userId) ? 'facilitator' : 'participant';
    },

    async hostTokenHash(postId) {
      return posts.get(postId)?.hostTokenHash ?? null;
    },

    async addHost(postId, userId, name) {
      const post = requirePost(postId);
      post.hosts.add(userId);
      if (name) post.hostNames.set(userId, name);
      post.banned.delete(userId);
    },

    async hosts(postId) {
      const post = posts.get(postId);
      if (!post) return [];
      return sortHosts(
        [...post.hosts].map((id) => ({ id, name: post.hostNames.get(id) ?? 'Facilitator', creator: id === post.creatorId })),
      );
    },

    async removeHost(postId, userId) {
      const post = requirePost(postId);
      if (userId === post.creatorId) throw new AppError('INVALID', 'The creator of a discussion cannot be removed as facilitator');
      post.hostNames.delete(userId);
      return post.hosts.delete(userId);
    },

    async setHostTokenHash(postId, hash) {
      requirePost(postId).hostTokenHash = hash;
    },

    async identityPolicy(postId) {
      return { ...(policies.get(postId) ?? openPolicy()) };
    },

    async setIdentityPolicy(postId, patch) {
      requirePost(postId);
      const next = { ...(policies.get(postId) ?? openPolicy()), ...definedOnly(patch) };
      policies.set(postId, next);
      return { ...next };
    },

    async setPinned(postId, commentId, pinned, maxPins) {
      const post = requirePost(postId);
      requireComment(post, commentId);
      const list = post.record.pinned;
      const has = list.includes(commentId);
      if (has === pinned) return { seq: null, value: [...list] };
      if (pinned && list.length >= maxPins) {
        throw new AppError('INVALID', `At most ${maxPins} comments can be pinned; unpin one first`);
      }
      post.record.pinned = pinned ? [...list, commentId] : list.filter((id) => id !== commentId);
      const seq = append(post, { type: 'pins', pinned: [...post.record.pinned] });
      return { seq, value: [...post.record.pinned] };
    },

    async setHidden(postId, commentId, hidden) {
      const post = requirePost(postId);
      const comment = requireComment(post, commentId);
      if (comment.hidden === hidden) return { seq: null, value: comment.body };
      comment.hidden = hidden;
      const seq = append(post, hidden ? { type: 'hidden', commentId } : { type: 'restored', commentId, body: comment.body });
      return { seq, value: comment.body };
    },

    async deleteComment(postId, commentId, authorId) {
      const post = requirePost(postId);
      const comment = requireComment(post, commentId);
      if (authorId !== undefined && comment.author.id !== authorId) throw new AppError('FORBIDDEN', 'You can only delete your own comments');
      comment.deleted = true;
      delete comment.editedAt;
      const row = post.reports.get(commentId);
      if (row && row.status === 'open') row.status = 'gone';
      comment.body = '';
      comment.hidden = false;
      post.record.pinned = post.record.pinned.filter((id) => id !== commentId);
      post.record.commentCount = Math.max(0, post.record.commentCount - 1);
      // The text must not survive in the replay log either; replays across this gap fall back to a snapshot.
      post.log = post.log.filter(
        (e) => !((e.type === 'comment' && e.comment.id === commentId) || (textEvent(e) && e.commentId === commentId)),
      );
      for (const { entry } of [...post.modLog, ...post.keptLog]) {
        if (entry.target === commentId && entry.detail !== null) entry.detail = DELETED_COMMENT_DETAIL;
      }
      const seq = append(post, { type: 'deleted', commentId });
      return { seq, value: null };
    },

    async editComment(postId, commentId, edit) {
      const post = requirePost(postId);
      const comment = requireComment(post, commentId);
      if (comment.author.id !== edit.authorId) throw new AppError('FORBIDDEN', 'You can only edit your own comments');
      if (post.banned.has(edit.authorId)) throw new AppError('FORBIDDEN', 'A facilitator removed you from this discussion');
      if (comment.hidden) throw new AppError('CONFLICT', 'A facilitator hid this comment: it cannot be edited');
      if (edit.at - comment.createdAt > edit.windowMs) throw editWindowClosed(edit.windowMs);
      if (!post.hosts.has(edit.authorId) && post.record.locked) throw new AppError('LOCKED', 'This discussion is locked: no edits for now');
      const previous = comment.body;
      if (previous === edit.body) return { seq: null, value: { commentId, body: previous, editedAt: comment.editedAt ?? comment.createdAt, previous } };
      comment.body = edit.body;
      comment.editedAt = edit.at;
      // The earlier text leaves the replay log (as a deletion's does); replays across it get a snapshot.
      post.log = post.log.filter(
        (e) => !((e.type === 'comment' && e.comment.id === commentId) || (textEvent(e) && e.commentId === commentId)),
      );
      const seq = append(post, { type: 'edited', commentId, body: edit.body, editedAt: edit.at });
      return { seq, value: { commentId, body: edit.body, editedAt: edit.at, previous } };
    },

    async reportComment(postId, commentId, report) {
      const post = requirePost(postId);
      const comment = requireComment(post, commentId);
      if (comment.author.id === report.reporterId) throw new AppError('INVALID', 'You cannot report your own comment');
      let row = post.reports.get(commentId);
      if (!row) post.reports.set(commentId, (row = { reporters: new Set(), reasons: new Map(), lastAt: report.at, status: 'open' }));
      const counted = row.status === 'open' && !row.reporters.has(report.reporterId);
      if (counted) {
        row.reporters.add(report.reporterId);
        row.reasons.set(report.reason, (row.reasons.get(report.reason) ?? 0) + 1);
        row.lastAt = report.at;
      }
      return { counted, entry: reportEntry(commentId, row, comment) };
    },

    async reportQueue(postId, max) {
      const post = posts.get(postId);
      if (!post) return [];
      const open: ReportEntry[] = [];
      for (const [id, row] of post.reports) if (row.status === 'open') open.push(reportEntry(id, row, post.comments.get(id)!));
      return sortReports(open).slice(0, max);
    },

    async resolveReports(postId, commentId, decision) {
      const post = requirePost(postId);
      const row = post.reports.get(commentId);
      if (!row || row.status !== 'open') return null;
      row.status = decision === 'dismiss' ? 'dismissed' : 'confirmed';
      return reportEntry(commentId, row, post.comments.get(commentId)!);
    },

    async updateSettings(postId, patch) {
      const post = requirePost(postId);
      const before = { locked: post.record.locked, slowModeSeconds: post.record.slowModeSeconds };
      const after = { ...before, ...patch };
      if (after.locked === before.locked && after.slowModeSeconds === before.slowModeSeconds) return { seq: null, value: after };
      post.record.locked = after.locked;
      post.record.slowModeSeconds = after.slowModeSeconds;
      if (after.slowModeSeconds !== before.slowModeSeconds) post.slowUntil.clear();
      const seq = append(post, { type: 'settings', ...after });
      return { seq, value: after };
    },

    async setClock(postId, expected, next) {
      const post = requirePost(postId);
      if (!sameClock(post.record.clock, expected)) return null;
      post.record.clock = { ...next };
      const seq = append(post, { type: 'clock', clock: { ...next } });
      return { seq, value: { ...next } };
    },

    async setMoments(postId, expected, next) {
      const post = requirePost(postId);
      if (JSON.stringify(post.record.moments) !== JSON.stringify(expected)) return null;
      post.record.moments = sortMoments(next.map((m: Moment) => ({ ...m })));
      const seq = append(post, { type: 'moments', moments: post.record.moments.map((m) => ({ ...m })) });
      return { seq, value: post.record.moments.map((m) => ({ ...m })) };
    },

    async pulse(postId) {
      const post = posts.get(postId);
      if (!post) return [];
      return [...post.pulse.values()].sort((a, b) => a[0] - b[0]).map((b) => [...b] as PulseBucket);
    },

    async takePulse(postId) {
      const post = posts.get(postId);
      return post ? pulseOut(post) : null;
    },

    async setBanned(postId, userId, banned) {
      const post = requirePost(postId);
      if (post.hosts.has(userId)) throw new AppError('INVALID', 'A facilitator cannot be removed');
      const had = post.banned.has(userId);
      if (banned) post.banned.add(userId);
      else post.banned.delete(userId);
      return had !== banned;
    },

    async appendModLog(postId, entry, caps) {
      const post = requirePost(postId);
      const about = entry.target === null ? undefined : post.comments.get(entry.target);
      const stored = { ...entry, detail: about?.deleted && entry.detail !== null ? DELETED_COMMENT_DETAIL : entry.detail };
      const destructive = DESTRUCTIVE_MOD_ACTIONS.includes(entry.action);
      const list = destructive ? post.keptLog : post.modLog;
      list.unshift({ n: ++post.modLogCount, entry: stored });
      list.length = Math.min(list.length, destructive ? caps.kept : caps.routine);
    },

    async modLog(postId) {
      const post = posts.get(postId);
      if (!post) return [];
      return [...post.modLog, ...post.keptLog].sort((a, b) => b.n - a.n).map(({ entry }) => ({ ...entry, by: { ...entry.by } }));
    },

    async heads(postIds) {
      return Object.fromEntries(postIds.map((id) => [id, posts.get(id)?.seq ?? 0]));
    },

    async eventsSince(postId, sinceSeq) {
      const post = posts.get(postId);
      if (!post) return null;
      if (sinceSeq >= post.seq) return [];
      if (post.seq - sinceSeq > replayMax) return null;
      const events = post.log.filter((e) => e.seq > sinceSeq);
      // Contiguous from sinceSeq + 1, or the log was trimmed or scrubbed: the caller sends a snapshot.
      return events.every((e, i) => e.seq === sinceSeq + 1 + i) && events.length === post.seq - sinceSeq ? events : null;
    },

    async commentStates(postId, commentIds) {
      const out = new Map<string, CommentState>();
      const post = posts.get(postId);
      for (const id of commentIds) {
        const c = post?.comments.get(id);
        if (c) out.set(id, { authorId: c.author.id, hidden: c.hidden, deleted: c.deleted });
      }
      return out;
    },

    async setViewers(nodeId, postId, count) {
      let counts = viewersByNode.get(postId);
      if (!counts) viewersByNode.set(postId, (counts = new Map()));
      if (count > 0) counts.set(nodeId, count);
      else counts.delete(nodeId);
      return [...counts.values()].reduce((a, b) => a + b, 0);
    },

    async viewers(postIds) {
      const out: Record<string, number> = {};
      for (const id of postIds) {
        out[id] = [...(viewersByNode.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
      }
      return out;
    },

    async heartbeat() {
      // One process: every node counted here is alive.
    },

    async ping() {},

    async close() {},
  };
}

/** Events that carry a comment's text besides its `comment` event. */
const textEvent = (e: PostEvent): e is Extract<PostEvent, { type: 'restored' | 'edited' }> => e.type === 'restored' || e.type === 'edited';

function reportEntry(commentId: string, row: ReportRow, comment: Comment): ReportEntry {
  const reasons: ReportEntry['reasons'] = {};
  for (const [reason, n] of row.reasons) reasons[reason] = n;
  return {
    commentId,
    count: row.reporters.size,
    reasons,
    lastAt: row.lastAt,
    hidden: comment.hidden,
    authorName: comment.author.name,
    body: comment.body,
    status: row.status,
  };
}

/** Index of the first comment with seq >= `seq` in a seq-ordered list (binary search). */
function firstAtOrAbove(list: readonly Comment[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first comment after place (moment, seq) in a (moment, seq)-ordered list (binary search). */
function firstAfterPlace(list: readonly Comment[], moment: number, seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = list[mid]!;
    if (c.moment! < moment || (c.moment === moment && c.seq <= seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
