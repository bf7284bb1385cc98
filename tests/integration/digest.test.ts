/**
 * The away digest (post:digest): a viewer back after a gap longer than the
 * replay window gets a snapshot (so it never holds the missed comments) and
 * asks the server what it missed: the count and the three most reacted, hidden
 * and deleted ones left out, on both engines. Only a joined post; bad input refused.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Comment, Digest } from '@board/shared';
import { ask, closeAll, connect, join, unwrap } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

const bob = { id: 'u_bob', name: 'Bob' };

describe.each<Engine>(['memory', 'redis'])('away digest (%s engine)', (engine) => {
  let board: Board;
  let n = 0;
  const write = async (body: string, parentId: string | null = null): Promise<Comment> =>
    (await board.store.addComment({ postId: 'd', parentId, body, author: bob, clientId: `seed-${++n}-xxxxxxxx` })).comment;
  const react = (c: Comment, people: number) =>
    board.store.applyReactions(
      'd',
      Array.from({ length: people }, (_, i) => ({ commentId: c.id, kind: 'like' as const, userId: `u_fan${i}`, active: true })),
    );

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { REPLAY_LOG_MAX: '100', DIGEST_READ_MAX: '120' } });
    await board.store.createPost({ id: 'd', title: 'Digest' });
    await write('before you left');
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  it('counts what was missed outside the replay window and lists the three most reacted', async () => {
    const viewer = await connect(board.url);
    const first = await join(viewer, 'd');
    const leftAt = first.seq;
    viewer.disconnect();

    // 120 comments while away (more than the 100-event replay log), a few of them reacted to.
    const missed: Comment[] = [];
    for (let i = 0; i < 120; i++) missed.push(await write(`missed ${i}`, i % 3 === 1 ? missed[i - 1]!.id : null));
    await react(missed[10]!, 5);
    await react(missed[50]!, 9);
    await react(missed[70]!, 5); // ties with 10: the newer first
    await react(missed[90]!, 12);
    await board.store.setHidden('d', missed[90]!.id, true); // the most reacted, but hidden: left out
    await board.store.deleteComment('d', missed[100]!.id);

    const back = await connect(board.url);
    const resync = await join(back, 'd', leftAt, first.totalsVersion);
    expect(resync.mode).toBe('snapshot'); // the client cannot work the digest out from this
    const digest: Digest = unwrap(await back.emitWithAck('post:digest', { postId: 'd', sinceSeq: leftAt }));
    expect(digest.count).toBe(118);
    expect(digest.complete).toBe(true);
    expect(digest.top.map((c) => c.body)).toEqual(['missed 50', 'missed 70', 'missed 10']);
    expect(digest.top[0]!.reactions.like).toBe(9);
    expect(digest.seq).toBe(resync.seq);

    // Nothing since: an empty digest.
    expect(unwrap(await back.emitWithAck('post:digest', { postId: 'd', sinceSeq: digest.seq }))).toMatchObject({ count: 0, top: [] });
  });

  it('reads at most DIGEST_READ_MAX comments and says so', async () => {
    const viewer = await connect(board.url);
    await join(viewer, 'd');
    const digest = unwrap(await viewer.emitWithAck('post:digest', { postId: 'd', sinceSeq: 0 }));
    expect(digest.complete).toBe(false);
    expect(digest.top).toHaveLength(3);
    expect(digest.count).toBeGreaterThan(118);
  });

  it('answers only for a joined post, and refuses bad input with a typed error', async () => {
    const viewer = await connect(board.url);
    expect(await ask(viewer, 'post:digest', { postId: 'd', sinceSeq: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    await join(viewer, 'd');
    expect(await ask(viewer, 'post:digest', { postId: 'd', sinceSeq: -1 })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await ask(viewer, 'post:digest', { postId: 'd' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
  });
});
