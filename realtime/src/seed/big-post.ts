/**
 * A big watch-along for load tests, the e2e suite and the bench: one post with
 * tens of thousands of comments written straight through the Store (no
 * sockets), a few in flight at a time so Redis is kept busy without a queue.
 * The same post every time for a given size: a small generator, not Math.random.
 */
import type { ReactionOp, Store } from '../store/types.js';

export interface BigPostOptions {
  /** Comments to write (threads and replies together). */
  comments: number;
  postId?: string;
  /** The seed's time (ms): the comments spread over the two hours before it. */
  now?: number;
  /** Writes in flight at once. */
  concurrency?: number;
}

export const BIG_POST_ID = 'big-watch-along';

const PEOPLE = 500;
const LINES = [
  'That cut to black right before the reveal, wow.',
  'Called it twenty minutes ago and nobody believed me.',
  'The score in this scene is doing so much work.',
  'Wait, whose boat is that?',
  'Rewatching the pilot after this, the whole arc makes sense now.',
  'Honestly the best episode of the season so far. The pacing in the second act is perfect, and the way the lighthouse keeps showing up in the background of every scene is not an accident.',
  'I need a minute.',
  'Theory: the letters were never from her brother.',
];
/** Two comments in five are replies, to one of the newest threads (where a live discussion happens)... */
const REPLY_SHARE = 0.4;
const RECENT_THREADS = 40;
/** ...and most of them to the newest "hot" thread (one in twenty), so long threads have many replies. */
const HOT_SHARE = 0.05;
const HOT_PICK = 0.6;

/** Writes the post if it is missing; returns the number of comments written (0 when it was there). */
export async function seedBigPost(store: Store, opts: BigPostOptions): Promise<number> {
  const postId = opts.postId ?? BIG_POST_ID;
  if (await store.getPost(postId)) return 0;
  const now = opts.now ?? Date.now();
  const span = 2 * 60 * 60_000;
  await store.createPost({
    id: postId,
    title: `Marathon watch-along (${opts.comments.toLocaleString('en-US')} comments)`,
    description: 'A long, busy discussion for trying out big events.',
    createdAt: now - span,
  });
  let state = 0x9e3779b9 ^ opts.comments;
  // xorshift32: deterministic and fast enough for 50,000 draws.
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const threads: string[] = [];
  let hot: string | null = null;
  const liked: string[] = [];
  const concurrency = opts.concurrency ?? 64;
  for (let written = 0; written < opts.comments; ) {
    const batch = Math.min(concurrency, opts.comments - written);
    const writes = Array.from({ length: batch }, (_, k) => {
      const i = written + k;
      const reply = threads.length > 0 && random() < REPLY_SHARE;
      const recent = () => threads[threads.length - 1 - Math.floor(random() * Math.min(RECENT_THREADS, threads.length))]!;
      const parentId = !reply ? null : hot && random() < HOT_PICK ? hot : recent();
      const person = Math.floor(random() * PEOPLE);
      return store.addComment({
        postId,
        parentId,
        body: `${LINES[Math.floor(random() * LINES.length)]} (#${i + 1})`,
        author: { id: `u_big_${person}`, name: `Viewer ${person + 1}` },
        clientId: `seed-big-${i}`,
        createdAt: Math.round(now - span + (span * i) / opts.comments),
      });
    });
    for (const { comment } of await Promise.all(writes)) {
      if (comment.parentId === null) {
        threads.push(comment.id);
        if (random() < HOT_SHARE) hot = comment.id;
      }
      if (random() < 0.05) liked.push(comment.id);
    }
    written += batch;
  }
  // Some reactions, so Top has an order to show.
  const ops: ReactionOp[] = [];
  for (const commentId of liked) {
    const people = 1 + Math.floor(random() * 12);
    for (let p = 0; p < people; p++) ops.push({ commentId, kind: p % 3 ? 'like' : 'love', userId: `u_big_${p}`, active: true });
  }
  for (let i = 0; i < ops.length; i += 10_000) await store.applyReactions(postId, ops.slice(i, i + 10_000));
  return opts.comments;
}
