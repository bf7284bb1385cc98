/**
 * While a post's reaction clicks are being collected, its other events wait for
 * the totals frame that is due and leave in it: in a storm every frame is a
 * write to each viewer. Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import type { PostEvent } from '@board/shared';
import { connect, join, postComment, unwrap, type Client } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

/** Every post:events frame a socket receives, as sent. */
function recordFrames(socket: Client): PostEvent[][] {
  const frames: PostEvent[][] = [];
  socket.on('post:events', (_postId, events) => frames.push(events));
  return frames;
}

/**
 * Resolves with the first frame in `frames` (kept by recordFrames) that holds the
 * comment `id`, counting frames already there: a viewer's frame can arrive before
 * the poster's ack. Rejects after `ms`.
 */
function frameWithComment(socket: Client, frames: PostEvent[][], id: string, ms = 5_000): Promise<PostEvent[]> {
  const find = () => frames.find((events) => events.some((e) => e.type === 'comment' && e.comment.id === id));
  const have = find();
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('post:events', check);
      reject(new Error(`no frame with comment ${id} within ${ms} ms`));
    }, ms);
    // recordFrames() registered its listener first, so `frames` is up to date here.
    const check = () => {
      const frame = find();
      if (!frame) return;
      clearTimeout(timer);
      socket.off('post:events', check);
      resolve(frame);
    };
    socket.on('post:events', check);
  });
}

describe.each<Engine>(['memory', 'redis'])('frames of a post with reactions coming in (%s engine)', (engine) => {
  // A window a little under the broadcaster's longest wait for totals (300 ms), so a
  // second click leaves a totals frame due within it.
  const board = boardForSuite(engine, ['p'], { REACTION_FLUSH_MS: '280' });

  it('sends a comment in the same frame as the reaction totals that were due', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const viewer = await connect(board.url);
    await join(a, 'p');
    await join(viewer, 'p');
    const frames = recordFrames(viewer);

    // No clicks waiting: a comment is a frame of its own, sent at once.
    const target = await postComment(a, 'p', 'before the storm');
    expect(await frameWithComment(viewer, frames, target.id)).toEqual([expect.objectContaining({ type: 'comment', seq: target.seq })]);

    // A quiet click is stored and broadcast at once; the next within the window waits for it.
    unwrap(await a.emitWithAck('reaction:set', { postId: 'p', commentId: target.id, kind: 'like', active: true }));
    a.emit('reaction:set', { postId: 'p', commentId: target.id, kind: 'love', active: true, ref: 1 });
    const during = await postComment(a, 'p', 'wow, did you see that');

    const frame = await frameWithComment(viewer, frames, during.id);
    // The frame that was due anyway carries both, in sequence order (the batch took its seq after the comment).
    expect(frame).toEqual([
      { type: 'comment', seq: during.seq, comment: during },
      { type: 'reactions', seq: during.seq + 1, totals: [{ commentId: target.id, counts: { like: 1, love: 1, laugh: 0, wow: 0 } }] },
    ]);
  });
});
