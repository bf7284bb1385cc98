/**
 * Reaction totals stay out of the ordered log: a storm of clicks does not fill
 * the replay window, so a viewer who reconnects during or after it is answered
 * by replay (the events it missed plus the current totals of what changed),
 * not by a full snapshot. Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import type { ReactionSetResult, Result } from '@board/shared';
import { connect, join, postComment, unwrap } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

/** Flushes that change a count: more than the replay log keeps (REPLAY_LOG_MAX, at least 100, trimmed at ~110). */
const FLUSHES = 150;

describe.each<Engine>(['memory', 'redis'])('a reconnect during a reaction storm (%s engine)', (engine) => {
  // The shortest window and replay log allowed, so a storm of FLUSHES flushes takes a second or two.
  const board = boardForSuite(engine, ['p'], { REACTION_FLUSH_MS: '5', REPLAY_LOG_MAX: '100' });

  it('is answered by replay with the current totals, not by a snapshot', async () => {
    const author = await connect(board.url, { name: 'Host' });
    const clicker = await connect(board.url, { name: 'Clicker' });
    await join(author, 'p');
    // A person reacts to a discussion they opened (limits/identity-guard.ts).
    await join(clicker, 'p');
    const target = await postComment(author, 'p', 'press me');
    // Where a viewer that then drops off stands: the sequence number and totals version it holds.
    const before = await join(await connect(board.url), 'p');
    if (before.mode !== 'snapshot') throw new Error('a first join is a snapshot');

    let during: Awaited<ReturnType<typeof join>> | null = null;
    let comment = null;
    // Each click waits for its ack, so each is a flush of its own that changes the count.
    for (let i = 0; i < FLUSHES; i++) {
      const res: Result<ReactionSetResult> = await clicker.emitWithAck('reaction:set', {
        postId: 'p',
        commentId: target.id,
        kind: 'like',
        active: i % 2 === 0,
      });
      unwrap(res);
      if (i === FLUSHES / 2) comment = await postComment(author, 'p', 'mid-storm');
      if (i === FLUSHES - 10) during = await join(await connect(board.url), 'p', before.seq, before.totalsVersion);
    }

    expect(during?.mode).toBe('replay');
    const after = await join(await connect(board.url), 'p', before.seq, before.totalsVersion);
    expect(after.mode).toBe('replay');
    if (after.mode !== 'replay') return;
    // Only the real event is replayed; the totals come with the current counts.
    expect(after.events).toEqual([{ type: 'comment', seq: before.seq + 1, comment: comment }]);
    expect(after.totals).toEqual([{ commentId: target.id, counts: { like: 0, love: 0, laugh: 0, wow: 0 } }]);
    expect(after.totalsVersion).toBe(before.totalsVersion + FLUSHES);
    // Already current: nothing to send.
    const current = await join(await connect(board.url), 'p', after.seq, after.totalsVersion);
    expect(current).toMatchObject({ mode: 'replay', events: [], totals: [] });
  });
});
