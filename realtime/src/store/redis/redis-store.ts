/**
 * The production engine. Per post: a meta hash, a sequence counter, comments in
 * a hash plus a seq-ordered sorted set, reaction counts in a hash, each person's
 * pressed reactions in a set, the totals version (:rv) with each comment's last
 * changed version (:rvc), and a capped stream (entry id 0-<seq>) as the replay
 * log. Every write that takes a sequence number or a totals version is one Lua script.
 */
import type { RedisClient } from './connect.js';
import {
  AppError,
  Comment,
  DESTRUCTIVE_MOD_ACTIONS,
  EventClock,
  ModLogEntry,
  Moment,
  PostEvent,
  sortMoments,
  type PulseBucket,
  REACTION_KINDS,
  type CommentTotals,
  type ThreadSlice,
  type MyReactions,
  type ReactionCounts,
  type Role,
  type ReportEntry,
  type IdentityPolicy,
} from '@board/shared';
import type { CommentPage, CommentState, PostRecord, PulseOut, ReactionBatchResult, ReactionOp, Store } from '../types.js';
import { DEFAULT_PULSE_FRAME_MS, editWindowClosed, groupPressed, newId, newPostRecord, REPLAY_MAX, sharedResults, sortHosts, sortReports } from '../types.js';
import {
  ADD_COMMENT,
  APPEND_MOD_LOG,
  APPLY_REACTIONS,
  CREATE_POST,
  DELETE_COMMENT,
  EDIT_COMMENT,
  READ_REPORTS,
  REPORT_COMMENT,
  RESOLVE_REPORTS,
  READ_PAGE,
  READ_RANGE,
  READ_REPLIES,
  COMMENTS_AFTER,
  REINDEX_MOMENTS,
  REINDEX_PAGES,
  REMOVE_HOST,
  SET_HIDDEN,
  SET_HOST_TOKEN,
  SET_CLOCK,
  SET_MOMENTS,
  SET_PINNED,
  TAKE_PULSE,
  TOTALS_SINCE,
  UPDATE_SETTINGS,
  SET_IDENTITY_POLICY,
} from './scripts.js';

export interface RedisStoreOptions {
  /** Data connection (one Redis or a Cluster); the store quits it on close() only if it owns it. */
  redis: RedisClient;
  prefix?: string;
  replayLogMax?: number;
  /** How long a (user, clientId) write is remembered for resends, in seconds. A day covers any reconnect. */
  idempotencyTtlS?: number;
  /** A node that has not sent a heartbeat for this long stops counting toward presence (ms). */
  nodeTtlMs?: number;
  /** Least gap between two pulse frames of a post, ms, all nodes together (config PULSE_FRAME_MS). */
  pulseFrameMs?: number;
  ownsConnection?: boolean;
}

/** A script's pulseOut reply (scripts.ts PULSE) as a PulseOut. */
function toPulseOut(reply: number[]): PulseOut {
  if (reply[0] === 1) return { retryInMs: Number(reply[1]) };
  if (reply[0] !== 2) return null;
  const frame: PulseBucket[] = [];
  for (let i = 1; i < reply.length; i += 6) {
    frame.push([reply[i]!, reply[i + 1]!, reply[i + 2]!, reply[i + 3]!, reply[i + 4]!, reply[i + 5]!].map(Number) as PulseBucket);
  }
  return { frame: frame.sort((a, b) => a[0] - b[0]) };
}

/** ioredis flattens array arguments: a long list goes as one array, not spread into the call (400,000 spread values overflowed the stack). */
type ScriptFn = (...args: (string | number | string[])[]) => Promise<unknown>;

function defineScript(redis: RedisClient, name: string, lua: string, numberOfKeys: number): ScriptFn {
  if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
  const fn = (redis as unknown as Record<string, ScriptFn>)[name]!;
  return (...args) => fn.apply(redis, args);
}

/** ioredis MULTI replies are [error, value] pairs; any error fails the read. */
function unwrap(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new AppError('UNAVAILABLE', 'Storage transaction was aborted');
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

function refusal(reason: string, retryAfterMs: number): AppError {
  switch (reason) {
    case 'post':
      return new AppError('NOT_FOUND', 'No such post');
    case 'parent':
      return new AppError('NOT_FOUND', 'The comment you replied to no longer exists');
    case 'banned':
      return new AppError('FORBIDDEN', 'A facilitator removed you from this discussion');
    case 'locked':
      return new AppError('LOCKED', 'This discussion is locked: no new comments for now');
    default:
      return new AppError('RATE_LIMITED', 'Slow mode is on: please wait before commenting again', Math.max(1, retryAfterMs));
  }
}

function editRefusal(reason: string, windowMs: number): AppError {
  switch (reason) {
    case 'post':
      return new AppError('NOT_FOUND', 'No such post');
    case 'author':
      return new AppError('FORBIDDEN', 'You can only edit your own comments');
    case 'banned':
      return new AppError('FORBIDDEN', 'A facilitator removed you from this discussion');
    case 'hidden':
      return new AppError('CONFLICT', 'A facilitator hid this comment: it cannot be edited');
    case 'window':
      return editWindowClosed(windowMs);
    case 'locked':
      return new AppError('LOCKED', 'This discussion is locked: no edits for now');
    default:
      return new AppError('NOT_FOUND', 'No such comment');
  }
}

/** Values per report row in a script's reply (reportRow in scripts.ts). */
const REPORT_ROW_VALUES = 7;

/** A report row of a script's reply, from `at`. */
function reportRowAt(out: unknown[], at: number, commentId: string): ReportEntry {
  const reasons: ReportEntry['reasons'] = {};
  for (const pair of String(out[at + 6] ?? '').split(',')) {
    const [reason, n] = pair.split('=');
    if (reason && n) reasons[reason as keyof ReportEntry['reasons']] = Number(n);
  }
  return {
    commentId,
    count: Number(out[at]),
    lastAt: Number(out[at + 1]),
    hidden: Number(out[at + 2]) === 1,
    authorName: String(out[at + 3]),
    body: String(out[at + 4]),
    status: String(out[at + 5]) as ReportEntry['status'],
    reasons,
  };
}

export function createRedisStore(opts: RedisStoreOptions): Store {
  const { redis } = opts;
  const prefix = opts.prefix ?? 'board:';
  const replayLogMax = opts.replayLogMax ?? 10_000;
  const idemTtl = opts.idempotencyTtlS ?? 86_400;
  const nodeTtlMs = opts.nodeTtlMs ?? 15_000;
  const pulseFrameMs = opts.pulseFrameMs ?? DEFAULT_PULSE_FRAME_MS;

  const postBase = (postId: string) => `${prefix}{p:${postId}}`;
  const postsIndex = `${prefix}posts`;
  const nodesKey = `${prefix}nodes`;
  const presenceKey = (postId: string) => `${prefix}presence:${postId}`;

  const addCommentScript = defineScript(redis, 'boardAddComment', ADD_COMMENT, 1);
  const applyReactionsScript = defineScript(redis, 'boardApplyReactions', APPLY_REACTIONS, 1);
  const totalsSinceScript = defineScript(redis, 'boardTotalsSince', TOTALS_SINCE, 1);
  const createPostScript = defineScript(redis, 'boardCreatePost', CREATE_POST, 1);
  const setPinnedScript = defineScript(redis, 'boardSetPinned', SET_PINNED, 1);
  const setHiddenScript = defineScript(redis, 'boardSetHidden', SET_HIDDEN, 1);
  const deleteCommentScript = defineScript(redis, 'boardDeleteComment', DELETE_COMMENT, 1);
  const updateSettingsScript = defineScript(redis, 'boardUpdateSettings', UPDATE_SETTINGS, 1);
  const appendModLogScript = defineScript(redis, 'boardAppendModLog', APPEND_MOD_LOG, 1);
  const removeHostScript = defineScript(redis, 'boardRemoveHost', REMOVE_HOST, 1);
  const setHostTokenScript = defineScript(redis, 'boardSetHostToken', SET_HOST_TOKEN, 1);
  const setClockScript = defineScript(redis, 'boardSetClock', SET_CLOCK, 1);
  const readPageScript = defineScript(redis, 'boardReadPage', READ_PAGE, 1);
  const readRepliesScript = defineScript(redis, 'boardReadReplies', READ_REPLIES, 1);
  const reindexScript = defineScript(redis, 'boardReindexPages', REINDEX_PAGES, 1);
  const commentsAfterScript = defineScript(redis, 'boardCommentsAfter', COMMENTS_AFTER, 1);
  const setIdentityPolicyScript = defineScript(redis, 'boardSetIdentityPolicy', SET_IDENTITY_POLICY, 2);
  /** The policy hash's fields (1/0 flags, host id) as a policy; missing fields are the open policy's. */
  const policyOf = (h: Record<string, string>): IdentityPolicy => ({
    verifiedToComment: h.comment === '1',
    verifiedToReact: h.react === '1',
    host: h.host ?? null,
  });
  const readRangeScript = defineScript(redis, 'boardReadRange', READ_RANGE, 1);
  const reindexMomentsScript = defineScript(redis, 'boardReindexMoments', REINDEX_MOMENTS, 1);

  /** Runs a page read, building the post's page indexes first if it predates them (REINDEX_PAGES). */
  const pageRead = async (read: () => Promise<unknown>): Promise<unknown[]> => {
    const out = (await read()) as unknown[];
    if (out[0] !== -2) return out;
    return (await read()) as unknown[];
  };
  const editCommentScript = defineScript(redis, 'boardEditComment', EDIT_COMMENT, 1);
  const reportCommentScript = defineScript(redis, 'boardReportComment', REPORT_COMMENT, 1);
  const readReportsScript = defineScript(redis, 'boardReadReports', READ_REPORTS, 1);
  const resolveReportsScript = defineScript(redis, 'boardResolveReports', RESOLVE_REPORTS, 1);
  const setMomentsScript = defineScript(redis, 'boardSetMoments', SET_MOMENTS, 1);
  const takePulseScript = defineScript(redis, 'boardTakePulse', TAKE_PULSE, 1);

  const notFound = () => new AppError('NOT_FOUND', 'No such comment');

  const toRecord = (h: Record<string, string>, pinned: string[]): PostRecord | null =>
    h.id
      ? {
          id: h.id,
          title: h.title ?? '',
          description: h.description ?? '',
          body: h.body ?? '',
          createdAt: Number(h.createdAt),
          commentCount: Math.max(0, Number(h.commentCount ?? 0)),
          scheduledAt: h.scheduledAt ? Number(h.scheduledAt) : null,
          locked: h.locked === '1',
          slowModeSeconds: Number(h.slowModeSeconds ?? 0),
          pinned,
          clock: h.clock ? EventClock.parse(JSON.parse(h.clock)) : null,
          moments: h.moments ? Moment.array().parse(JSON.parse(h.moments)) : [],
        }
      : null;

  const countsOf = (rc: Record<string, string>, commentId: string): ReactionCounts => {
    const counts = { like: 0, love: 0, laugh: 0, wow: 0 };
    for (const kind of REACTION_KINDS) counts[kind] = Math.max(0, Number(rc[`${commentId}|${kind}`] ?? 0));
    return counts;
  };

  const parseComment = (json: string, reactions: ReactionCounts, flags: { hidden?: boolean; deleted?: boolean } = {}): Comment =>
    Comment.parse({ ...JSON.parse(json), reactions, hidden: flags.hidden ?? false, deleted: flags.deleted ?? false });

  /** Reads `count` comments of pushComment (scripts.ts) from `out` at `at`; returns them and where the next value is. */
  const pulled = (out: unknown[], at: number, count: number): { comments: Comment[]; at: number } => {
    const comments: Comment[] = [];
    for (let k = 0; k < count; k++, at += 7) {
      const json = String(out[at]);
      if (json === '') continue;
      const [like, love, laugh, wow] = [1, 2, 3, 4].map((d) => Number(out[at + 2 + d]));
      comments.push(
        parseComment(json, { like: like!, love: love!, laugh: laugh!, wow: wow! }, {
          hidden: Number(out[at + 1]) === 1,
          deleted: Number(out[at + 2]) === 1,
        }),
      );
    }
    return { comments, at };
  };

  // Presence and the node list live in different Cluster slots: two commands, not one MULTI
  // (a count read between them is off by one heartbeat at most; they share a round trip by autopipelining).
  const sumAlive = async (postId: string): Promise<number> => {
    const [counts, alive] = await Promise.all([redis.hgetall(presenceKey(postId)), redis.zrangebyscore(nodesKey, Date.now(), '+inf')]);
    const live = new Set(alive);
    let total = 0;
    for (const [node, n] of Object.entries(counts)) if (live.has(node)) total += Number(n);
    return total;
  };

  return {
    engine: 'redis',

    async createPost(input) {
      const record = newPostRecord(input);
      const fields: string[] = [];
      for (const [k, v] of Object.entries(record)) {
        if (k === 'pinned' || k === 'moments') continue;
        if (k === 'clock') {
          if (v) fields.push(k, JSON.stringify(v));
        } else if (k === 'locked') fields.push(k, '0');
        else if (v !== null) fields.push(k, String(v));
      }
      if (input.hostTokenHash) fields.push('hostTokenHash', input.hostTokenHash);
      // Written with its page indexes from the first comment on (REINDEX_PAGES is for older posts).
      fields.push('pages', '1');
      // ...and its moment index (REINDEX_MOMENTS is for older posts).
      fields.push('mindex', '1');
      if (input.hostId) fields.push('hostId', input.hostId);
      // The index is in another Cluster slot than the post: listed first (NX keeps an existing
      // post's place), written second; listPosts skips an id whose post is not (yet) there.
      await redis.zadd(postsIndex, 'NX', record.createdAt, record.id);
      const created = await createPostScript(
        `${postBase(record.id)}:meta`,
        record.createdAt,
        record.id,
        ...fields,
      );
      if (created === 0) throw new AppError('INVALID', 'A post with this id exists');
      if (input.hostId) {
        const base = postBase(record.id);
        const add = redis.multi().sadd(`${base}:hosts`, input.hostId);
        if (input.hostName) add.hset(`${base}:hostnames`, input.hostId, input.hostName);
        unwrap(await add.exec());
      }
      return record;
    },

    async getPost(postId) {
      const base = postBase(postId);
      // Plain commands, not a MULTI: autopipelining writes those of every request in this turn at once.
      const [meta, pinned] = await Promise.all([redis.hgetall(`${base}:meta`), redis.lrange(`${base}:pins`, 0, -1)]);
      return toRecord(meta, pinned);
    },

    async listPosts() {
      const ids = await redis.zrevrange(postsIndex, 0, -1);
      if (ids.length === 0) return [];
      // Posts live in different Cluster slots: one command each, sent together by autopipelining
      // (one round trip per master), not one pipeline (which must stay in one slot on a cluster).
      const records = await Promise.all(
        ids.map(async (id) => {
          const [meta, pins] = await Promise.all([redis.hgetall(`${postBase(id)}:meta`), redis.lrange(`${postBase(id)}:pins`, 0, -1)]);
          return toRecord(meta, pins);
        }),
      );
      return records.filter((p): p is PostRecord => p !== null);
    },

    async addComment(input) {
      const base = postBase(input.postId);
      const id = newId('c');
      const acceptedAt = input.createdAt ?? Date.now();
      const draft = JSON.stringify({
        id,
        postId: input.postId,
        parentId: input.parentId,
        author: input.author,
        body: input.body,
        createdAt: acceptedAt,
        clientId: input.clientId,
      });
      const [status, value, retryMs] = (await addCommentScript(
        base,
        `${input.author.id}:${input.clientId}`,
        id,
        input.parentId ?? '',
        draft,
        idemTtl,
        replayLogMax,
        input.author.id,
        acceptedAt,
        input.delayMs ?? 0,
        pulseFrameMs,
        input.replayAtMs === undefined ? '' : Math.floor(input.replayAtMs),
      )) as [string, string, (number | number[])?];
      if (status === 'ERR') throw refusal(value, Number(retryMs ?? 0));
      if (status === 'OK') {
        const comment = parseComment(value, { like: 0, love: 0, laugh: 0, wow: 0 });
        return { comment, duplicate: false, pulse: toPulseOut(retryMs as number[]) };
      }
      const stored = JSON.parse(value) as { id: string };
      const [rc, hidden, deleted] = unwrap(
        await redis
          .multi()
          .hmget(`${base}:rc`, ...REACTION_KINDS.map((k) => `${stored.id}|${k}`))
          .sismember(`${base}:hidden`, stored.id)
          .sismember(`${base}:deleted`, stored.id)
          .exec(),
      ) as [(string | null)[], number, number];
      const counts = Object.fromEntries(REACTION_KINDS.map((k, i) => [k, Number(rc[i] ?? 0)])) as ReactionCounts;
      return { comment: parseComment(value, counts, { hidden: hidden === 1, deleted: deleted === 1 }), duplicate: true, pulse: null };
    },

    async listComments(postId): Promise<CommentPage | null> {
      const base = postBase(postId);
      const [exists, seq, comments, rc, hidden, deleted, rv] = unwrap(
        await redis
          .multi()
          .exists(`${base}:meta`)
          .get(`${base}:seq`)
          .hgetall(`${base}:c`)
          .hgetall(`${base}:rc`)
          .smembers(`${base}:hidden`)
          .smembers(`${base}:deleted`)
          .get(`${base}:rv`)
          .exec(),
      ) as [number, string | null, Record<string, string>, Record<string, string>, string[], string[], string | null];
      if (!exists) return null;
      const hiddenSet = new Set(hidden);
      const deletedSet = new Set(deleted);
      const list = Object.entries(comments).map(([id, json]) =>
        parseComment(json, countsOf(rc, id), { hidden: hiddenSet.has(id), deleted: deletedSet.has(id) }),
      );
      list.sort((a, b) => a.seq - b.seq);
      return { comments: list, seq: Number(seq ?? 0), totalsVersion: Number(rv ?? 0) };
    },

    async readPage(postId, query) {
      const base = postBase(postId);
      const out = await pageRead(async () => {
        const got = (await readPageScript(
          base,
          query.sort,
          query.before === undefined ? '' : String(query.before),
          query.threads,
          query.replies,
        )) as unknown[];
        if (got[0] === -2) await reindexScript(base);
        return got;
      });
      if (out[0] === -1) return null;
      const remaining = Number(out[2]);
      const lastRank = String(out[3]);
      const n = Number(out[4]);
      const threads: ThreadSlice[] = [];
      let at = 5;
      for (let t = 0; t < n; t++) {
        const replyCount = Number(out[at]);
        const given = Number(out[at + 1]);
        const read = pulled(out, at + 2, 1 + given);
        at = read.at;
        const [root, ...replies] = read.comments;
        if (root) threads.push({ root, replies, replyCount });
      }
      const pinned = pulled(out, at + 1, Number(out[at])).comments;
      return {
        page: {
          sort: query.sort,
          threads,
          next: remaining > 0 && lastRank !== '' ? Number(lastRank) : null,
          remaining,
          seq: Number(out[0]),
          totalsVersion: Number(out[1]),
        },
        pinned,
        seq: Number(out[0]),
        totalsVersion: Number(out[1]),
      };
    },

    async readReplies(postId, rootId, after, limit) {
      const base = postBase(postId);
      const out = await pageRead(async () => {
        const got = (await readRepliesScript(base, rootId, after, limit)) as unknown[];
        if (got[0] === -2) await reindexScript(base);
        return got;
      });
      if (out[0] === -1) return null;
      return { rootId, replies: pulled(out, 3, Number(out[1])).comments, remaining: Number(out[0]), seq: Number(out[2]) };
    },

    async commentsAfter(postId, afterSeq, limit, scope) {
      const base = postBase(postId);
      const out = await pageRead(async () => {
        const got = (await commentsAfterScript(base, scope, afterSeq, limit)) as unknown[];
        if (got[0] === -2) await reindexScript(base);
        return got;
      });
      if (out[0] === -1) return null;
      return { comments: pulled(out, 3, Number(out[1])).comments, remaining: Number(out[0]), seq: Number(out[2]) };
    },

    async readMomentRange(postId, query) {
      const base = postBase(postId);
      const after = query.after;
      const read = () =>
        readRangeScript(
          base,
          query.fromMs,
          query.toMs,
          after ? `${String(after.seq).padStart(15, '0')}|${after.id}` : '',
          after ? after.moment : 0,
          query.limit,
        ) as Promise<unknown[]>;
      let out = await read();
      if (out[0] === -2) {
        await reindexMomentsScript(base);
        out = await read();
      }
      if (out[0] === -1) return null;
      if (out[0] === -3) throw new AppError('INVALID', 'Not a valid range cursor');
      const comments = pulled(out, 4, Number(out[3])).comments;
      const last = comments.at(-1);
      return {
        comments,
        next: Number(out[2]) === 1 && last ? { moment: last.moment!, seq: last.seq, id: last.id } : null,
        seq: Number(out[0]),
        totalsVersion: Number(out[1]),
      };
    },

    async applyReactions(postId: string, ops: ReactionOp[]): Promise<ReactionBatchResult> {
      // Grouped by comment and kind, each group keeping its settings' order (scripts.ts):
      // settings of different groups touch different members, so their order does not matter.
      const groups = new Map<string, Map<string, { uids: string[]; flags: string[]; at: number[]; stamps: number[] }>>();
      // Acceptance times go as ms after the earliest: short numbers, one string per group.
      const now = Date.now();
      let baseAt = now;
      for (const op of ops) if (op.at !== undefined && op.at < baseAt) baseAt = op.at;
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i]!;
        let kinds = groups.get(op.commentId);
        if (!kinds) groups.set(op.commentId, (kinds = new Map()));
        let g = kinds.get(op.kind);
        if (!g) kinds.set(op.kind, (g = { uids: [], flags: [], at: [], stamps: [] }));
        g.uids.push(op.userId);
        g.flags.push(op.active ? '1' : '0');
        g.at.push(i);
        g.stamps.push((op.at ?? now) - baseAt);
      }
      const args: string[] = [String(baseAt), String(pulseFrameMs)];
      /** The op index of each setting, in the order the script sees them. */
      const at: number[] = [];
      for (const [commentId, kinds] of groups) {
        for (const [kind, g] of kinds) {
          args.push(commentId, kind, String(g.uids.length));
          for (const uid of g.uids) args.push(uid);
          args.push(g.flags.join(''));
          args.push(g.stamps.join(','));
          for (const i of g.at) at.push(i);
        }
      }
      const out = (await applyReactionsScript(postBase(postId), args)) as (number | string)[];
      if (out[0] === -1) throw new AppError('NOT_FOUND', 'No such post');
      const version = Number(out[0]);
      const pulse = toPulseOut(out[1] as unknown as number[]);
      // Only refused ops are listed (index, status); every other one was applied.
      const refusedCount = Number(out[2]);
      const status = new Map<number, number>();
      for (let k = 0; k < refusedCount; k++) status.set(at[Number(out[3 + k * 2])]!, Number(out[4 + k * 2]));
      const counts = new Map<string, ReactionCounts>();
      const totals: ReactionBatchResult['totals'] = [];
      for (let i = 3 + refusedCount * 2; i < out.length; i += 6) {
        const commentId = String(out[i]);
        const c: ReactionCounts = {
          like: Number(out[i + 2]),
          love: Number(out[i + 3]),
          laugh: Number(out[i + 4]),
          wow: Number(out[i + 5]),
        };
        counts.set(commentId, c);
        if (Number(out[i + 1]) === 1) totals.push({ commentId, counts: c });
      }
      const refused = { 0: 'NOT_FOUND', 2: 'LOCKED', 3: 'FORBIDDEN' } as const;
      const results = sharedResults(
        ops,
        (i) => {
          const refusal = status.get(i);
          return refusal === undefined ? null : (refused[refusal as 0 | 2 | 3] ?? 'NOT_FOUND');
        },
        (commentId) => counts.get(commentId)!,
      );
      return { version, totals, results, pulse };
    },

    async totalsSince(postId, sinceVersion, max) {
      const out = (await totalsSinceScript(postBase(postId), sinceVersion, max)) as (number | string)[];
      if (out[0] === -1 || out[0] === -2) return null;
      const totals: CommentTotals[] = [];
      for (let i = 1; i < out.length; i += 5) {
        const counts = { like: Number(out[i + 1]), love: Number(out[i + 2]), laugh: Number(out[i + 3]), wow: Number(out[i + 4]) };
        totals.push({ commentId: String(out[i]), counts });
      }
      return { version: Number(out[0]), totals };
    },

    async myReactions(postId, userId): Promise<MyReactions> {
      return groupPressed(await redis.smembers(`${postBase(postId)}:ru:${userId}`));
    },

    async role(postId, userId): Promise<Role> {
      const base = postBase(postId);
      // Two plain commands, not a MULTI: autopipelining sends those of every join in this turn in one write.
      const [host, banned] = await Promise.all([redis.sismember(`${base}:hosts`, userId), redis.sismember(`${base}:banned`, userId)]);
      if (banned) return 'removed';
      return host ? 'facilitator' : 'participant';
    },

    async hostTokenHash(postId) {
      return redis.hget(`${postBase(postId)}:meta`, 'hostTokenHash');
    },

    async addHost(postId, userId, name) {
      const base = postBase(postId);
      if (!(await redis.exists(`${base}:meta`))) throw new AppError('NOT_FOUND', 'No such post');
      const add = redis.multi().sadd(`${base}:hosts`, userId).srem(`${base}:banned`, userId);
      if (name) add.hset(`${base}:hostnames`, userId, name);
      unwrap(await add.exec());
    },

    async hosts(postId) {
      const base = postBase(postId);
      const [ids, names, creator] = unwrap(
        await redis.multi().smembers(`${base}:hosts`).hgetall(`${base}:hostnames`).hget(`${base}:meta`, 'hostId').exec(),
      ) as [string[], Record<string, string>, string | null];
      return sortHosts(ids.map((id) => ({ id, name: names[id] ?? 'Facilitator', creator: id === creator })));
    },

    async removeHost(postId, userId) {
      const base = postBase(postId);
      const [removed] = (await removeHostScript(base, userId)) as [string];
      if (removed === 'post') throw new AppError('NOT_FOUND', 'No such post');
      if (removed === 'creator') throw new AppError('INVALID', 'The creator of a discussion cannot be removed as facilitator');
      return removed === 'OK';
    },

    async setHostTokenHash(postId, hash) {
      const set = (await setHostTokenScript(`${postBase(postId)}:meta`, hash)) as number;
      if (set === 0) throw new AppError('NOT_FOUND', 'No such post');
    },

    async identityPolicy(postId) {
      return policyOf(await redis.hgetall(`${postBase(postId)}:identity`));
    },

    async setIdentityPolicy(postId, patch) {
      const base = postBase(postId);
      const args: string[] = [];
      if (patch.verifiedToComment !== undefined) args.push('comment', patch.verifiedToComment ? '1' : '0');
      if (patch.verifiedToReact !== undefined) args.push('react', patch.verifiedToReact ? '1' : '0');
      if (patch.host !== undefined) args.push('host', patch.host ?? '');
      const out = (await setIdentityPolicyScript(`${base}:meta`, `${base}:identity`, ...args)) as number | string[];
      if (out === 0 || !Array.isArray(out)) throw new AppError('NOT_FOUND', 'No such post');
      const fields: Record<string, string> = {};
      for (let i = 0; i < out.length; i += 2) fields[out[i]!] = out[i + 1]!;
      return policyOf(fields);
    },

    async setPinned(postId, commentId, pinned, maxPins) {
      const out = (await setPinnedScript(postBase(postId), commentId, pinned ? '1' : '0', maxPins, replayLogMax)) as (string | number)[];
      if (out[0] === 'ERR') throw notFound();
      if (out[0] === 'FULL') throw new AppError('INVALID', `At most ${maxPins} comments can be pinned; unpin one first`);
      const seq = Number(out[1]);
      return { seq: seq > 0 ? seq : null, value: out.slice(2).map(String) };
    },

    async setHidden(postId, commentId, hidden) {
      const [status, seq, body] = (await setHiddenScript(postBase(postId), commentId, hidden ? '1' : '0', replayLogMax)) as [
        string,
        number,
        string,
      ];
      if (status === 'ERR') throw notFound();
      return { seq: seq > 0 ? seq : null, value: body };
    },

    async deleteComment(postId, commentId, authorId) {
      const [status, seq] = (await deleteCommentScript(postBase(postId), commentId, replayLogMax, authorId ?? '')) as [string, number | string];
      if (status === 'ERR' && seq === 'author') throw new AppError('FORBIDDEN', 'You can only delete your own comments');
      if (status === 'ERR') throw notFound();
      return { seq: Number(seq), value: null };
    },

    async editComment(postId, commentId, edit) {
      const [status, seq, previous, editedAt] = (await editCommentScript(
        postBase(postId),
        commentId,
        edit.authorId,
        edit.body,
        edit.at,
        edit.windowMs,
        replayLogMax,
      )) as [string, number | string, string?, string?];
      if (status === 'ERR') throw editRefusal(String(seq), edit.windowMs);
      const changed = Number(seq) > 0;
      return {
        seq: changed ? Number(seq) : null,
        value: { commentId, body: changed ? edit.body : previous!, editedAt: Number(editedAt), previous: previous! },
      };
    },

    async reportComment(postId, commentId, report) {
      const out = (await reportCommentScript(postBase(postId), commentId, report.reporterId, report.reason, report.at)) as unknown[];
      if (out[0] === 'ERR') {
        if (out[1] === 'own') throw new AppError('INVALID', 'You cannot report your own comment');
        throw notFound();
      }
      return { counted: Number(out[1]) === 1, entry: reportRowAt(out, 2, commentId) };
    },

    async reportQueue(postId, max) {
      const out = (await readReportsScript(postBase(postId), max)) as unknown[];
      const rows: ReportEntry[] = [];
      for (let i = 0, at = 1; i < Number(out[0]); i++, at += 1 + REPORT_ROW_VALUES) rows.push(reportRowAt(out, at + 1, String(out[at])));
      return sortReports(rows);
    },

    async resolveReports(postId, commentId, decision) {
      const out = (await resolveReportsScript(postBase(postId), commentId, decision === 'dismiss' ? 'dismissed' : 'confirmed')) as unknown[];
      return out[0] === 'OK' ? reportRowAt(out, 1, commentId) : null;
    },

    async updateSettings(postId, patch) {
      const locked = patch.locked === undefined ? '' : patch.locked ? '1' : '0';
      const slow = patch.slowModeSeconds === undefined ? '' : String(patch.slowModeSeconds);
      const [status, seq, l, sm] = (await updateSettingsScript(postBase(postId), locked, slow, replayLogMax)) as [
        string,
        number,
        number,
        number,
      ];
      if (status === 'ERR') throw new AppError('NOT_FOUND', 'No such post');
      return { seq: seq > 0 ? seq : null, value: { locked: l === 1, slowModeSeconds: sm } };
    },

    async setClock(postId, expected, next) {
      const [status, seq] = (await setClockScript(
        postBase(postId),
        expected ? JSON.stringify(expected) : '',
        JSON.stringify(EventClock.parse(next)),
        replayLogMax,
      )) as [string, number];
      if (status === 'ERR') throw new AppError('NOT_FOUND', 'No such post');
      if (status === 'STALE') return null;
      return { seq, value: next };
    },

    async setMoments(postId, expected, next) {
      const sorted = sortMoments(next.map((m) => Moment.parse(m)));
      const [status, seq] = (await setMomentsScript(
        postBase(postId),
        JSON.stringify(expected.map((m) => Moment.parse(m))),
        JSON.stringify(sorted),
        replayLogMax,
      )) as [string, number];
      if (status === 'ERR') throw new AppError('NOT_FOUND', 'No such post');
      if (status === 'STALE') return null;
      return { seq, value: sorted };
    },

    async pulse(postId) {
      const fields = await redis.hgetall(`${postBase(postId)}:pulse`);
      const rows = new Map<number, PulseBucket>();
      const at = { like: 1, love: 2, laugh: 3, wow: 4, c: 5 } as const;
      for (const [field, n] of Object.entries(fields)) {
        const [i, kind] = field.split('|') as [string, keyof typeof at];
        const index = Number(i);
        let row = rows.get(index);
        if (!row) rows.set(index, (row = [index, 0, 0, 0, 0, 0]));
        if (at[kind]) row[at[kind]] = Number(n);
      }
      return [...rows.values()].sort((a, b) => a[0] - b[0]);
    },

    async takePulse(postId) {
      return toPulseOut((await takePulseScript(postBase(postId), pulseFrameMs)) as number[]);
    },

    async setBanned(postId, userId, banned) {
      const base = postBase(postId);
      if (!(await redis.exists(`${base}:meta`))) throw new AppError('NOT_FOUND', 'No such post');
      if (await redis.sismember(`${base}:hosts`, userId)) throw new AppError('INVALID', 'A facilitator cannot be removed');
      const changed = banned ? await redis.sadd(`${base}:banned`, userId) : await redis.srem(`${base}:banned`, userId);
      return changed === 1;
    },

    async appendModLog(postId, entry, caps) {
      const destructive = DESTRUCTIVE_MOD_ACTIONS.includes(entry.action);
      await appendModLogScript(
        postBase(postId),
        JSON.stringify(entry),
        destructive ? '1' : '0',
        destructive ? caps.kept : caps.routine,
        entry.target ?? '',
      );
    },

    async modLog(postId) {
      const base = postBase(postId);
      const [routine, kept] = unwrap(
        await redis.multi().lrange(`${base}:modlog`, 0, -1).lrange(`${base}:modlog:kept`, 0, -1).exec(),
      ) as [string[], string[]];
      // Entries written before the two lists existed have no n: they are the oldest.
      const logged = [...routine, ...kept].map((r) => {
        const raw = JSON.parse(r) as { n?: number };
        return { n: raw.n ?? 0, entry: ModLogEntry.parse(raw) };
      });
      return logged.sort((a, b) => b.n - a.n).map(({ entry }) => entry);
    },

    async heads(postIds) {
      if (postIds.length === 0) return {};
      // One GET per post (MGET across posts is cross-slot on a cluster); autopipelining batches them.
      const seqs = await Promise.all(postIds.map((id) => redis.get(`${postBase(id)}:seq`)));
      return Object.fromEntries(postIds.map((id, i) => [id, Number(seqs[i] ?? 0)]));
    },

    async eventsSince(postId, sinceSeq) {
      const base = postBase(postId);
      const [exists, seqRaw] = await Promise.all([redis.exists(`${base}:meta`), redis.get(`${base}:seq`)]);
      if (!exists) return null;
      const seq = Number(seqRaw ?? 0);
      if (sinceSeq >= seq) return [];
      if (seq - sinceSeq > REPLAY_MAX) return null;
      const entries = await redis.xrange(`${base}:log`, `(0-${sinceSeq}`, '+', 'COUNT', REPLAY_MAX + 1);
      const events = entries.map(([, fields]) => PostEvent.parse(JSON.parse(fields[1]!)));
      // Trimmed past sinceSeq, or an entry scrubbed by a deletion: not contiguous, so the caller sends a snapshot.
      // Events appended between the two reads are welcome (the log only grows at its end): under load that gap
      // is long enough that counting them as a break sent ~10 % of a crowd's rejoins a snapshot (pnpm bench --only=crowd).
      const contiguous = events.length >= seq - sinceSeq && events.every((e, i) => e.seq === sinceSeq + 1 + i);
      return contiguous ? events : null;
    },

    async commentStates(postId, commentIds) {
      const out = new Map<string, CommentState>();
      if (commentIds.length === 0) return out;
      const base = postBase(postId);
      const [jsons, hidden, deleted] = await Promise.all([
        redis.hmget(`${base}:c`, ...commentIds),
        redis.smismember(`${base}:hidden`, ...commentIds),
        redis.smismember(`${base}:deleted`, ...commentIds),
      ]);
      commentIds.forEach((id, i) => {
        const json = jsons[i];
        if (!json) return;
        const { author } = JSON.parse(json) as { author: { id: string } };
        out.set(id, { authorId: author.id, hidden: hidden[i] === 1, deleted: deleted[i] === 1 });
      });
      return out;
    },

    async setViewers(nodeId, postId, count) {
      if (count > 0) await redis.hset(presenceKey(postId), nodeId, count);
      else await redis.hdel(presenceKey(postId), nodeId);
      return sumAlive(postId);
    },

    async viewers(postIds) {
      const out: Record<string, number> = {};
      await Promise.all(postIds.map(async (id) => (out[id] = await sumAlive(id))));
      return out;
    },

    async heartbeat(nodeId) {
      const now = Date.now();
      await redis
        .multi()
        .zadd(nodesKey, now + nodeTtlMs, nodeId)
        .zremrangebyscore(nodesKey, '-inf', now - nodeTtlMs * 10)
        .exec();
    },

    async ping() {
      await redis.ping();
    },

    async close() {
      if (opts.ownsConnection) await redis.quit().catch(() => undefined);
    },
  };
}
