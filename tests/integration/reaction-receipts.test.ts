/**
 * Ack-less reaction clicks (the web client's way) are answered in one
 * `reaction:receipts` frame per connection per flush, after that flush's
 * `post:totals`. Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import type { PostTotals, ReactionReceipt } from '@board/shared';
import { connect, join, postComment, waitFor, type Client } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

type Frame = { kind: 'totals'; totals: PostTotals } | { kind: 'receipts'; receipts: ReactionReceipt[] };

/** Totals and receipts frames as one socket receives them, in order. */
function recordFrames(socket: Client): Frame[] {
  const frames: Frame[] = [];
  socket.on('post:totals', (_postId, totals) => frames.push({ kind: 'totals', totals }));
  socket.on('reaction:receipts', (receipts) => frames.push({ kind: 'receipts', receipts }));
  return frames;
}

describe.each<Engine>(['memory', 'redis'])('reaction receipts (%s engine)', (engine) => {
  // A long window, so every click of a test falls in one flush whatever the machine's load.
  const board = boardForSuite(engine, ['p'], { REACTION_FLUSH_MS: '1000' });

  it('answers the clicks of one flush in one receipts frame, after the totals that show them', async () => {
    const a = await connect(board.url, { name: 'Clicker' });
    await join(a, 'p');
    const target = await postComment(a, 'p', 'react to me');
    const frames = recordFrames(a);
    const click = (ref: number, kind: 'like' | 'love' | 'wow', active: boolean) =>
      a.emit('reaction:set', { postId: 'p', commentId: target.id, kind, active, ref });

    click(1, 'like', true);
    click(2, 'love', true);
    click(3, 'like', false);
    click(4, 'wow', true);
    click(5, 'like', true);
    await waitFor(a, 'reaction:receipts', () => true);

    expect(frames.map((f) => f.kind)).toEqual(['totals', 'receipts']);
    const [totals, receipts] = frames as [Extract<Frame, { kind: 'totals' }>, Extract<Frame, { kind: 'receipts' }>];
    const counts = { like: 1, love: 1, laugh: 0, wow: 1 };
    expect(totals.totals.totals).toEqual([{ commentId: target.id, counts }]);
    // Within a flush the last setting per kind wins: every like click is answered with the final state.
    expect(receipts.receipts).toEqual([
      { ref: 1, result: { ok: true, data: { active: true, counts, version: totals.totals.version } } },
      { ref: 3, result: { ok: true, data: { active: true, counts, version: totals.totals.version } } },
      { ref: 5, result: { ok: true, data: { active: true, counts, version: totals.totals.version } } },
      { ref: 2, result: { ok: true, data: { active: true, counts, version: totals.totals.version } } },
      { ref: 4, result: { ok: true, data: { active: true, counts, version: totals.totals.version } } },
    ]);
    const stored = await board.store.listComments('p');
    expect(stored?.comments.find((c) => c.id === target.id)?.reactions).toEqual(counts);
  });

  it('answers bad clicks with their error under their ref, and stores nothing', async () => {
    const a = await connect(board.url, { name: 'Fumbler' });
    await join(a, 'p');
    const target = await postComment(a, 'p', 'untouched');
    const send = a.emit.bind(a) as unknown as (event: string, ...args: unknown[]) => void;
    send('reaction:set', { postId: 'p', commentId: 'no-such-comment', kind: 'like', active: true, ref: 11 });
    send('reaction:set', { postId: 'p', commentId: target.id, kind: 'applause', active: true, ref: 12 });
    send('reaction:set', 'not even an object');

    const answers: ReactionReceipt[] = [];
    await waitFor(a, 'reaction:receipts', (r) => {
      answers.push(...r);
      return answers.length >= 3;
    });
    const byRef = (ref: number | null) => answers.find((r) => r.ref === ref)?.result;
    expect(byRef(11)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(byRef(12)).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(byRef(null)).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const { comments } = (await board.store.listComments('p'))!;
    expect(comments.find((c) => c.id === target.id)?.reactions).toEqual({ like: 0, love: 0, laugh: 0, wow: 0 });
  });
});
