/**
 * The Redis engine's reaction writer (realtime/src/store/redis/reaction-writer.ts):
 * a batch's answer can be taken while the event loop is busy elsewhere. In a
 * storm the loop reads thousands of client sockets before it gets to a reply,
 * and the totals waited for it (docs/benchmarks.md, 2026-11-30).
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisStore, redisOptions, type Store } from '@board/realtime';
import { makeStore, uniquePrefix } from '../support/board.js';

describe('redis engine: reaction writer', () => {
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  const setUp = async () => {
    store = makeStore('redis', inject('redisUrl'));
    await store.createPost({ id: 'p1', title: 'Flush', description: '', body: '' });
    const { comment } = await store.addComment({ postId: 'p1', parentId: null, body: 'hi', author: { id: 'u_a', name: 'A' }, clientId: 'k1' });
    return { s: store, commentId: comment.id };
  };

  it('settles a stored batch from takeReplies() while the event loop is blocked', async () => {
    const { s, commentId } = await setUp();
    // One batch first: the writer's thread and connection are up.
    await s.applyReactions('p1', [{ commentId, kind: 'like', userId: 'u1', active: true }]);

    let settled: Awaited<ReturnType<Store['applyReactions']>> | null = null;
    void s.applyReactions('p1', [
      { commentId, kind: 'like', userId: 'u2', active: true },
      { commentId, kind: 'wow', userId: 'u1', active: true },
    ]).then((r) => (settled = r));
    // The loop never turns here: only takeReplies() can bring the answer in (bounded: 5 s).
    const deadline = Date.now() + 5_000;
    let taken = false;
    while (!taken && Date.now() < deadline) {
      s.takeReplies!();
      // The promise chain settles at the next microtask checkpoint, which an awaited resolved value gives without a turn of the loop.
      await Promise.resolve();
      await Promise.resolve();
      await Promise.resolve();
      taken = settled !== null;
    }
    expect(taken).toBe(true);
    expect(settled!.totals).toEqual([{ commentId, counts: { like: 2, love: 0, laugh: 0, wow: 1 } }]);
  });

  it('runs batches in the order they were given', async () => {
    const { s, commentId } = await setUp();
    const flips = Array.from({ length: 20 }, (_, i) =>
      s.applyReactions('p1', [{ commentId, kind: 'love', userId: 'u1', active: i % 2 === 0 }]),
    );
    const results = await Promise.all(flips);
    // Each batch changed the total, in turn: 1, 0, 1, 0 …, and the seqs rise with them.
    expect(results.map((r) => r.totals[0]!.counts.love)).toEqual(flips.map((_, i) => (i % 2 === 0 ? 1 : 0)));
    const seqs = results.map((r) => r.seq!);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});

describe('redis engine: reaction writer start', () => {
  it('connects the writer when the store is made, before the first batch', async () => {
    const admin = new Redis(inject('redisUrl'));
    const prefix = uniquePrefix();
    const store = createRedisStore({ redis: new Redis(inject('redisUrl'), redisOptions), prefix, ownsConnection: true });
    try {
      // No batch is ever given: only a writer started with the store shows up (bounded: 5 s).
      const deadline = Date.now() + 5_000;
      let seen = false;
      while (!seen && Date.now() < deadline) {
        const clients = (await admin.client('LIST')) as string;
        seen = clients.split('\n').some((line) => line.includes(` name=${prefix}reactions `));
        if (!seen) await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toBe(true);
    } finally {
      await store.close();
      admin.disconnect();
    }
  });
});
