/**
 * Limits per identity and per IP: over budget gets RATE_LIMITED with a wait,
 * nothing is stored, and on Redis the budget is shared by every node.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { clientId, closeAll, connect, join, postComment, unwrap } from '../support/clients.js';
import { startBoard, uniquePrefix, type Board, type Engine } from '../support/board.js';
import { Redis } from 'ioredis';
import { createRateLimits, redisOptions } from '@board/realtime';
import { RATE_BUDGETS } from '../../realtime/src/config.js';
import type { BoardSocket } from '../../realtime/src/socket/types.js';

describe.each<Engine>(['memory', 'redis'])('rate limits (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { RATE_LIMIT_FACTOR: '1' } });
    await board.store.createPost({ id: 'p', title: 'P' });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('refuses a flood of comments from one person politely, storing none of the excess', async () => {
    const a = await connect(board.url, { name: 'Speedy' });
    const results = [];
    for (let i = 0; i < 9; i++) {
      results.push(await a.emitWithAck('comment:create', { postId: 'p', parentId: null, body: `fast ${i}`, clientId: clientId() }));
    }
    const ok = results.filter((r) => r.ok).length;
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(ok).toBe(6);
    expect(limited).toHaveLength(3);
    const first = limited[0]!;
    if (!first.ok) {
      expect(first.error.retryAfterMs).toBeGreaterThan(0);
      expect(first.error.message).toMatch(/Try again in \d+ s/);
    }
    const stored = (await board.store.listComments('p'))!.comments.filter((c) => c.author.name === 'Speedy');
    expect(stored).toHaveLength(6);
    // Someone else is not slowed by Speedy.
    const b = await connect(board.url, { name: 'Calm' });
    expect((await postComment(b, 'p', 'hello')).body).toBe('hello');
  });

  it('limits reactions per person', async () => {
    const a = await connect(board.url, { name: 'Clicker' });
    await join(a, 'p');
    const target = await postComment(a, 'p', 'click me');
    const res = [];
    for (let i = 0; i < 18; i++) {
      res.push(await a.emitWithAck('reaction:set', { postId: 'p', commentId: target.id, kind: 'like', active: i % 2 === 0 }));
    }
    expect(res.filter((r) => r.ok)).toHaveLength(15);
    expect(res.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toHaveLength(3);
  });
});

describe('rate limits across nodes', () => {
  /** Two nodes on one Redis (real limits) with post `p`, and one person connected to both. */
  let one: Board;
  let two: Board;
  let a1: Awaited<ReturnType<typeof connect>>;
  let a2: Awaited<ReturnType<typeof connect>>;
  beforeEach(async () => {
    const shared = { engine: 'redis' as const, redisUrl: inject('redisUrl'), prefix: uniquePrefix(), env: { RATE_LIMIT_FACTOR: '1' } };
    one = await startBoard({ ...shared, nodeId: 'rl-one' });
    two = await startBoard({ ...shared, nodeId: 'rl-two' });
    await one.store.createPost({ id: 'p', title: 'P' });
    a1 = await connect(one.url, { name: 'Roamer' });
    a2 = await connect(two.url, { token: a1.session.token });
  });
  afterEach(async () => {
    closeAll();
    await one.close();
    await two.close();
  });

  it('shares one comment budget between two nodes on Redis', async () => {
    const send = (s: typeof a1, i: number) =>
      s.emitWithAck('comment:create', { postId: 'p', parentId: null, body: `roam ${i}`, clientId: clientId() });
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await send(i % 2 === 0 ? a1 : a2, i));
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    unwrap(results[0]!);
  });

  it('counts reactions on each node (a Redis round trip per click would cost more than the click)', async () => {
    await join(a1, 'p');
    await join(a2, 'p');
    const target = await postComment(a1, 'p', 'click me');
    const click = (s: typeof a1, i: number) =>
      s.emitWithAck('reaction:set', { postId: 'p', commentId: target.id, kind: 'like', active: i % 2 === 0 });
    const onOne = [];
    for (let i = 0; i < 16; i++) onOne.push(await click(a1, i));
    expect(onOne.filter((r) => r.ok)).toHaveLength(15);
    // The same person on the other node has that node's whole budget.
    expect(await click(a2, 0)).toMatchObject({ ok: true });
  });
});

describe('rate limits on Redis: round trips', () => {
  it("counts a comment's person and address budgets in one round trip, then still refuses past the person's budget", async () => {
    const redis = new Redis(inject('redisUrl'), redisOptions);
    await redis.ping();
    try {
      const limits = createRateLimits({ redis, prefix: uniquePrefix(), factor: 1, budgets: RATE_BUDGETS });
      // Only what the limiter reads of a connection: who and from where.
      const socket = { data: { user: { id: 'u_rt' }, address: '203.0.113.7' } } as unknown as BoardSocket;
      const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
      const write = stream.write.bind(stream);
      let writes = 0;
      stream.write = (...a: unknown[]) => {
        writes++;
        return write(...a);
      };
      await limits.consume('comment', socket);
      stream.write = write;
      // Both budgets' commands left in one write: one round trip, not two after each other.
      expect(writes).toBe(1);
      // The budget itself still holds: 6 per person per 10 s, this was the first.
      for (let i = 1; i < 6; i++) await limits.consume('comment', socket);
      await expect(limits.consume('comment', socket)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await redis.quit();
    }
  });
});
