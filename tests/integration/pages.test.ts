/**
 * What a join, a resync and a page request send follows what a person sees,
 * not the post's history: the newest page of threads and the pins, then older
 * pages and more replies on request, read only by those who opened the post.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Comment, ThreadPage } from '@board/shared';
import { ask, closeAll, connect, join, readAll, unwrap } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

const PAGE = 10;
const alice = { id: 'u_alice', name: 'Alice' };

describe.each<Engine>(['memory', 'redis'])('pages of a discussion (%s engine)', (engine) => {
  let board: Board;
  let n = 0;
  const write = (postId: string, body: string, parentId: string | null = null): Promise<Comment> =>
    board.store.addComment({ postId, parentId, body, author: alice, clientId: `seed-${++n}-xxxxxxxx` }).then((r) => r.comment);
  /** A post with `threads` threads of long comments, each thread with `replies` replies. */
  const seedPost = async (postId: string, threads: number, replies = 0) => {
    await board.store.createPost({ id: postId, title: postId });
    for (let t = 0; t < threads; t++) {
      const root = await write(postId, `thread ${t} `.padEnd(2_000, '.'));
      for (let r = 0; r < replies; r++) await write(postId, `reply ${r} to ${t}`, root.id);
    }
  };

  beforeAll(async () => {
    board = await startBoard({
      engine,
      redisUrl: inject('redisUrl'),
      env: { PAGE_THREADS: String(PAGE), PAGE_REPLIES: '2', REPLIES_PAGE: '4', REPLAY_LOG_MAX: '100' },
    });
    await seedPost('small', 2 * PAGE);
    await seedPost('large', 20 * PAGE);
    await seedPost('threads', 3, 9);
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  it('sends the newest page and a count of the rest, in as many bytes for a long history as for a short one', async () => {
    const viewer = await connect(board.url);
    const small = await join(viewer, 'small');
    const large = await join(viewer, 'large');
    if (small.mode !== 'snapshot' || large.mode !== 'snapshot') throw new Error('expected snapshots');
    expect(large.page.threads).toHaveLength(PAGE);
    expect(large.page.remaining).toBe(19 * PAGE);
    expect(large.page.threads[0]!.root.body).toMatch(/^thread 199 /);
    const bytes = (x: unknown) => JSON.stringify(x).length;
    // Same page, ten times the history: within a few bytes (longer ids and numbers).
    expect(Math.abs(bytes(large) - bytes(small))).toBeLessThan(bytes(small) * 0.02);
    const api = (await (await fetch(`${board.url}/api/posts/large`)).json()) as { page: ThreadPage };
    expect(api.page.threads).toHaveLength(PAGE);
  });

  it('loads older threads and more replies by cursor, each once', async () => {
    const viewer = await connect(board.url);
    const snap = await join(viewer, 'threads');
    if (snap.mode !== 'snapshot') throw new Error('expected a snapshot');
    const [thread] = snap.page.threads;
    expect(thread!.replyCount).toBe(9);
    expect(thread!.replies.map((r) => r.body)).toEqual(['reply 0 to 2', 'reply 1 to 2']);
    const more = unwrap(await viewer.emitWithAck('post:replies', { postId: 'threads', rootId: thread!.root.id, after: thread!.replies[1]!.seq }));
    expect(more.replies.map((r) => r.body)).toEqual(['reply 2 to 2', 'reply 3 to 2', 'reply 4 to 2', 'reply 5 to 2']);
    expect(more.remaining).toBe(3);
    const all = await readAll(viewer, 'threads', snap.page);
    expect(all).toHaveLength(30);
    expect(new Set(all.map((c) => c.id)).size).toBe(30);
  });

  it('gives the pins on request, wherever they are in the discussion', async () => {
    const host = await connect(board.url, { name: 'Host' });
    const postId = unwrap(await host.emitWithAck('post:create', { title: 'Pins' })).post.id;
    await join(host, postId);
    const old = unwrap(await host.emitWithAck('comment:create', { postId, parentId: null, body: 'the oldest', clientId: 'pin-old-xxxxxxxx' }));
    for (let i = 0; i < PAGE + 2; i++) await write(postId, `later ${i}`);
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: old.id, pinned: true }));
    const viewer = await connect(board.url);
    expect(await ask(viewer, 'post:pins', { postId })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    await join(viewer, postId);
    expect(unwrap(await viewer.emitWithAck('post:pins', { postId })).map((c) => c.body)).toEqual(['the oldest']);
  });

  it('answers page requests only for a post the connection has opened, and refuses bad ones', async () => {
    const stranger = await connect(board.url);
    expect(await ask(stranger, 'post:page', { postId: 'small' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    await join(stranger, 'small');
    expect(await ask(stranger, 'post:page', { postId: 'small', before: -1 })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await ask(stranger, 'post:page', { postId: 'small', sort: 'oldest' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await ask(stranger, 'post:replies', { postId: 'small' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const top = unwrap(await stranger.emitWithAck('post:page', { postId: 'small', sort: 'top' }));
    expect(top.threads).toHaveLength(PAGE);
  });

  it('resyncs a viewer who fell outside the replay window with the newest page again, never the whole post', async () => {
    await seedPost('gap', 3);
    const viewer = await connect(board.url);
    const first = await join(viewer, 'gap');
    // More happened while it was away than the replay log keeps.
    for (let i = 0; i < 150; i++) await write('gap', `while away ${i}`);
    const again = await join(viewer, 'gap', first.seq, first.totalsVersion);
    if (again.mode !== 'snapshot') throw new Error('expected a snapshot');
    expect(again.seq).toBe(first.seq + 150);
    expect(again.page.threads.map((t) => t.root.body)).toEqual(
      Array.from({ length: PAGE }, (_, i) => `while away ${149 - i}`),
    );
    expect(again.page.remaining).toBe(153 - PAGE);
  });
});

describe('page request limits', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: 'memory', env: { RATE_LIMIT_FACTOR: '1' } });
    await board.store.createPost({ id: 'p', title: 'p' });
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  it('refuses a connection asking for pages in a loop, with the wait', async () => {
    const looper = await connect(board.url);
    await join(looper, 'p');
    const results = [];
    for (let i = 0; i < 35; i++) results.push(await looper.emitWithAck('post:page', { postId: 'p' }));
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
  });
});
