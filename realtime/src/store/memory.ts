/**
 * The embedded engine: one process, no Redis. Used by default for trying the
 * board out and by unit tests. Same contract as the Redis engine.
 */
import { AppError, emptyCounts, REACTION_KINDS, type Comment, type MyReactions, type PostEvent, type ReactionKind } from '@board/shared';
import type { CommentPage, NewComment, PostRecord, ReactionBatchResult, ReactionOp, Store } from './types.js';
import { newId, REPLAY_MAX } from './types.js';

interface PostState {
  record: PostRecord;
  seq: number;
  comments: Map<string, Comment>;
  order: Comment[];
  /** userId → set of `${commentId}|${kind}` the user has pressed. */
  pressed: Map<string, Set<string>>;
  /** `${userId}:${clientId}` → comment id, for idempotent resends. */
  written: Map<string, string>;
  log: PostEvent[];
}

export interface MemoryStoreOptions {
  /** Events kept per post for resyncs. */
  replayLogMax?: number;
  /** Longest replay answered; a client further behind reloads the snapshot, which is cheaper. */
  replayMax?: number;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const replayLogMax = opts.replayLogMax ?? 10_000;
  const replayMax = opts.replayMax ?? REPLAY_MAX;
  const posts = new Map<string, PostState>();
  const viewersByNode = new Map<string, Map<string, number>>();

  const requirePost = (postId: string): PostState => {
    const post = posts.get(postId);
    if (!post) throw new AppError('NOT_FOUND', 'No such post');
    return post;
  };

  const append = (post: PostState, event: PostEvent) => {
    post.log.push(event);
    // Trim in chunks so the array is not shifted on every write.
    if (post.log.length > replayLogMax * 1.1) post.log.splice(0, post.log.length - replayLogMax);
  };

  const copy = (c: Comment): Comment => ({ ...c, author: { ...c.author }, reactions: { ...c.reactions } });

  return {
    engine: 'memory',

    async createPost(input) {
      const id = input.id ?? newId('p');
      if (posts.has(id)) throw new AppError('INVALID', 'A post with this id exists');
      const record: PostRecord = {
        id,
        title: input.title,
        description: input.description,
        body: input.body,
        createdAt: input.createdAt ?? Date.now(),
        commentCount: 0,
      };
      posts.set(id, {
        record,
        seq: 0,
        comments: new Map(),
        order: [],
        pressed: new Map(),
        written: new Map(),
        log: [],
      });
      return { ...record };
    },

    async getPost(postId) {
      const post = posts.get(postId);
      return post ? { ...post.record } : null;
    },

    async listPosts() {
      return [...posts.values()].map((p) => ({ ...p.record })).sort((a, b) => b.createdAt - a.createdAt);
    },

    async addComment(input: NewComment) {
      const post = requirePost(input.postId);
      const writeKey = `${input.author.id}:${input.clientId}`;
      const earlier = post.written.get(writeKey);
      if (earlier) return { comment: copy(post.comments.get(earlier)!), duplicate: true };
      if (input.parentId !== null && !post.comments.has(input.parentId)) {
        throw new AppError('NOT_FOUND', 'The comment you replied to no longer exists');
      }
      post.seq += 1;
      const comment: Comment = {
        id: newId('c'),
        postId: input.postId,
        parentId: input.parentId,
        author: { ...input.author },
        body: input.body,
        createdAt: input.createdAt ?? Date.now(),
        seq: post.seq,
        reactions: emptyCounts(),
      };
      post.comments.set(comment.id, comment);
      post.order.push(comment);
      post.written.set(writeKey, comment.id);
      post.record.commentCount += 1;
      append(post, { type: 'comment', seq: comment.seq, comment: copy(comment) });
      return { comment: copy(comment), duplicate: false };
    },

    async listComments(postId): Promise<CommentPage | null> {
      const post = posts.get(postId);
      if (!post) return null;
      return { comments: post.order.map(copy), seq: post.seq };
    },

    async applyReactions(postId: string, ops: ReactionOp[]): Promise<ReactionBatchResult> {
      const post = requirePost(postId);
      const touched = new Set<string>();
      const results: ReactionBatchResult['results'] = ops.map((op) => {
        const comment = post.comments.get(op.commentId);
        if (!comment) return { ok: false, code: 'NOT_FOUND' };
        let mine = post.pressed.get(op.userId);
        if (!mine) post.pressed.set(op.userId, (mine = new Set()));
        const member = `${op.commentId}|${op.kind}`;
        const had = mine.has(member);
        if (op.active && !had) {
          mine.add(member);
          comment.reactions[op.kind] += 1;
          touched.add(comment.id);
        } else if (!op.active && had) {
          mine.delete(member);
          comment.reactions[op.kind] = Math.max(0, comment.reactions[op.kind] - 1);
          touched.add(comment.id);
        }
        return { ok: true, active: op.active, counts: { ...comment.reactions } };
      });
      if (touched.size === 0) return { seq: null, totals: [], results };
      post.seq += 1;
      const totals = [...touched].map((commentId) => ({
        commentId,
        counts: { ...post.comments.get(commentId)!.reactions },
      }));
      append(post, { type: 'reactions', seq: post.seq, totals });
      // Results carry the counts after the whole batch, as the broadcast does.
      for (let i = 0; i < ops.length; i++) {
        const r = results[i]!;
        if (r.ok) r.counts = { ...post.comments.get(ops[i]!.commentId)!.reactions };
      }
      return { seq: post.seq, totals, results };
    },

    async myReactions(postId, userId): Promise<MyReactions> {
      const mine: MyReactions = {};
      for (const member of posts.get(postId)?.pressed.get(userId) ?? []) {
        const [commentId, kind] = member.split('|') as [string, ReactionKind];
        (mine[commentId] ??= []).push(kind);
      }
      for (const kinds of Object.values(mine)) kinds.sort((a, b) => REACTION_KINDS.indexOf(a) - REACTION_KINDS.indexOf(b));
      return mine;
    },

    async heads(postIds) {
      return Object.fromEntries(postIds.map((id) => [id, posts.get(id)?.seq ?? 0]));
    },

    async eventsSince(postId, sinceSeq) {
      const post = posts.get(postId);
      if (!post) return null;
      if (sinceSeq >= post.seq) return [];
      const first = post.log[0];
      if (!first || first.seq > sinceSeq + 1 || post.seq - sinceSeq > replayMax) return null;
      // The log is contiguous in seq, so the position of sinceSeq + 1 is known.
      return post.log.slice(sinceSeq + 1 - first.seq);
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
