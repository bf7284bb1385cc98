/**
 * Ack-less reaction clicks are answered in batched receipts: the web client's
 * way, so a storm costs no frame per click. Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import type { PostEvent, ReactionReceipt } from '@board/shared';
import { connect, join, nextPostEvent, postComment, recordEvents, waitFor, type Client } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

/** Every receipts frame a socket receives, in order. */
function recordReceipts(socket: Client): ReactionReceipt[][] {
  const frames: ReactionReceipt[][] = [];
  socket.on('reaction:receipts', (receipts) => frames.push(receipts));
  return frames;
}

describe.each<Engine>(['memory', 'redis'])('reaction receipts (%s engine)', (engine) => {
  // The default window (1 s), so six clicks a flush apart fit in one.
  const board = boardForSuite(engine);

  it('answers a quiet click at once, then a run of clicks in one frame, each once, naming the event that shows it', async () => {
    const a = await connect(board.url, { name: 'Clicker' });
    await join(a, 'p');
    const target = await postComment(a, 'p', 'react to me');
    const frames = recordReceipts(a);
    const events = recordEvents(a);
    const click = (ref: number, active: boolean) =>
      a.emit('reaction:set', { postId: 'p', commentId: target.id, kind: 'like', active, ref });

    click(1, true);
    const first = await waitFor(a, 'reaction:receipts', () => true);
    expect(first).toEqual([{ ref: 1, result: { ok: true, data: { active: true, counts: expect.objectContaining({ like: 1 }), seq: expect.any(Number) } } }]);

    // Six more clicks, each one stored (its totals broadcast seen) before the next is sent:
    // six batches inside one receipt window.
    for (let ref = 2; ref <= 7; ref++) {
      const stored = nextPostEvent(a, (e) => e.type === 'reactions');
      click(ref, ref % 2 === 0 ? false : true);
      await stored;
    }
    const last = waitFor(a, 'reaction:receipts', (r) => r.some((x) => x.ref === 7));
    await last;

    const later = frames.slice(1);
    // Per-click acks would be six frames; a slow machine may split the run over two windows.
    expect(later.length).toBeLessThanOrEqual(2);
    const answered = later.flat();
    expect(answered.map((r) => r.ref)).toEqual([2, 3, 4, 5, 6, 7]);
    for (const receipt of [...first, ...answered]) {
      expect(receipt.result.ok).toBe(true);
      if (!receipt.result.ok) continue;
      const { seq, counts } = receipt.result.data;
      // The totals frame named by the receipt arrived before it and shows the same counts.
      const shown = events.find((e) => e.event.type === 'reactions' && e.event.seq === seq)?.event as
        | Extract<PostEvent, { type: 'reactions' }>
        | undefined;
      expect(shown?.totals.find((t) => t.commentId === target.id)?.counts).toEqual(counts);
    }
    expect(answered.at(-1)).toMatchObject({ result: { data: { active: true, counts: { like: 1 } } } });
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
