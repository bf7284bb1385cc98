/**
 * A broadcast lost in a quiet moment: no later event reveals the gap, so the
 * periodic post:head beacon must. Simulated by storing a comment without
 * broadcasting it, as when Redis pub/sub drops a message between nodes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBoard, type Board, type Engine } from '../support/board.js';
import { startViewer } from '../support/resilient-clients.js';
import { closeAll, connect, join, postComment } from '../support/clients.js';

describe.each<Engine>(['memory', 'redis'])('healing a silently lost broadcast (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { HEAD_BEACON_MS: '200' } });
    await board.store.createPost({ id: 'quiet', title: 'Quiet', description: '', body: '' });
  });
  afterAll(() => board.close());

  it('notices from the head beacon that it is behind, and replays what it missed', async () => {
    const viewer = startViewer(board.url, 'quiet');
    await viewer.ready;
    const { comment } = await board.store.addComment({
      postId: 'quiet',
      parentId: null,
      body: 'stored but never broadcast',
      author: { id: 'u_x', name: 'X' },
      clientId: 'lost-broadcast-1',
    });
    await viewer.until(new Set([comment.id]), 10_000);
    expect(viewer.stats.replays).toBe(1);
    expect(viewer.stats.doubled).toBe(0);
    viewer.close();
  });

  it('spares a busy post the beacon (its events carry the sequence number), and resumes when it quietens', async () => {
    await board.store.createPost({ id: 'busy', title: 'Busy', description: '', body: '' });
    const a = await connect(board.url, { name: 'Chatty' });
    try {
      await join(a, 'busy');
      const heads: number[] = [];
      a.on('post:head', (postId, seq) => postId === 'busy' && heads.push(seq));
      // Back to back for five beacon periods: every tick finds a fresh broadcast.
      const until = Date.now() + 1_000;
      let sent = 0;
      while (Date.now() < until) {
        await postComment(a, 'busy', `busy ${sent++}`);
      }
      expect(heads).toEqual([]);
      const quiet = new Promise<number>((resolve) => a.once('post:head', (_postId, seq) => resolve(seq)));
      expect(await quiet).toBe(sent);
    } finally {
      closeAll();
    }
  });
});
