/**
 * The Redis engine sends a reaction batch the moment the coalescer flushes it.
 * Auto-pipelined commands leave from setImmediate, after the poll phase, and in a
 * storm a poll phase reads sockets for a second or more: the script then waited
 * that long before Redis even saw it (docs/benchmarks.md, 2026-11-30).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createRedisStore, redisOptions, type Store } from '@board/realtime';
import { uniquePrefix } from '../support/board.js';

describe('redis engine: reaction flush', () => {
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('writes the batch to the Redis connection within the call, and comments still share auto-pipelined round trips', async () => {
    const redis = new Redis(inject('redisUrl'), redisOptions);
    store = createRedisStore({ redis, prefix: uniquePrefix(), ownsConnection: true });
    await store.createPost({ id: 'p1', title: 'Flush', description: '', body: '' });
    const { comment: c } = await store.addComment({ postId: 'p1', parentId: null, body: 'hi', author: { id: 'u_a', name: 'A' }, clientId: 'k1' });
    // One batch first, so the script is loaded and the connection is warm.
    await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: 'u1', active: true }]);

    const socket = (redis as unknown as { stream: { bytesWritten: number } }).stream;
    const before = socket.bytesWritten;
    const flushing = store.applyReactions('p1', [
      { commentId: c.id, kind: 'like', userId: 'u2', active: true },
      { commentId: c.id, kind: 'wow', userId: 'u1', active: true },
    ]);
    // Nothing has yielded to the event loop yet: the command must already be on its way.
    const sentWithinCall = socket.bytesWritten - before;
    const result = await flushing;
    expect(sentWithinCall).toBeGreaterThan(0);
    expect(result.totals).toEqual([{ commentId: c.id, counts: { like: 2, love: 0, laugh: 0, wow: 1 } }]);

    // Other commands keep auto-pipelining: a comment written now leaves on the next turn.
    const beforeComment = socket.bytesWritten;
    const adding = store.addComment({ postId: 'p1', parentId: null, body: 'again', author: { id: 'u_a', name: 'A' }, clientId: 'k2' });
    const commentWithinCall = socket.bytesWritten - beforeComment;
    await adding;
    expect(commentWithinCall).toBe(0);
  });
});
