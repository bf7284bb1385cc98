/**
 * Broadcast frames written straight to a connection's TCP socket
 * (realtime/src/socket/direct-frames.ts) must arrive exactly as Engine.IO would
 * have sent them: every event once, in sequence order, interleaved correctly
 * with the frames addressed to one socket (acks). Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import { directFrameStats } from '@board/realtime';
import { connect, join, nextPostEvent, postComment, recordEvents, unwrap, untilCount, waitFor } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

describe.each<Engine>(['memory', 'redis'])('broadcast frames written directly (%s engine)', (engine) => {
  const board = boardForSuite(engine);

  it('delivers every event once and in order, between the acks of the same connection', async () => {
    const poster = await connect(board.url, { name: 'Poster' });
    const watchers = await Promise.all([1, 2, 3].map((i) => connect(board.url, { name: `Watcher ${i}` })));
    for (const s of [poster, ...watchers]) await join(s, 'p');
    const logs = watchers.map((w) => recordEvents(w));
    const before = { ...directFrameStats };

    // 40 comments in flight at once, while every watcher keeps asking for its
    // own answers (acked renames): broadcast frames and per-socket frames share
    // each connection, so some broadcasts find Engine.IO busy and some do not.
    const posted = Promise.all(Array.from({ length: 40 }, (_, i) => postComment(poster, 'p', `comment ${i}`)));
    const renames = watchers.map(async (w, i) => {
      for (let n = 0; n < 15; n++) unwrap(await w.emitWithAck('session:rename', { name: `Watcher ${i} #${n}` }));
    });
    await Promise.all([posted, ...renames]);
    await Promise.all(watchers.map((w, i) => untilCount(w, logs[i]!, (e) => e.type === 'comment', 40)));

    for (const log of logs) {
      const comments = log.filter((l) => l.event.type === 'comment');
      expect(comments).toHaveLength(40);
      const seqs = log.map((l) => l.event.seq);
      // Strictly increasing and without gaps: nothing overtook anything.
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    }
    // Both paths were taken: most broadcasts directly, the rest through Engine.IO.
    expect(directFrameStats.direct - before.direct).toBeGreaterThan(0);
    expect(directFrameStats.engine - before.engine).toBeGreaterThan(0);
  });

  it('lets due reaction receipts ride in the same write as the next broadcast frame, after it', async () => {
    const a = await connect(board.url, { name: 'Clicker' });
    await join(a, 'p');
    const target = await postComment(a, 'p', 'react to me');
    const order: string[] = [];
    a.on('reaction:receipts', (receipts) => order.push(`receipts ${receipts.map((r) => r.ref).join(',')}`));
    const click = (ref: number, active: boolean) =>
      a.emit('reaction:set', { postId: 'p', commentId: target.id, kind: 'like', active, ref });

    // The first click after a quiet spell is answered at once; the second waits
    // for the connection's receipt window (1 s).
    click(1, true);
    await waitFor(a, 'reaction:receipts', (r) => r.some((x) => x.ref === 1));
    const firstAnsweredAt = Date.now();
    const stored = nextPostEvent(a, (e) => e.type === 'reactions');
    click(2, false);
    await stored;

    // Hold this process (the board runs in it) past the window, so no timer can
    // send receipt 2, then broadcast: the frame must carry it.
    const before = directFrameStats.trailers;
    a.on('lobby:stats', () => order.push('broadcast'));
    while (Date.now() < firstAnsweredAt + 1_100);
    board.realtime.io.emit('lobby:stats', { postId: 'p', viewers: 1 });
    expect(directFrameStats.trailers - before).toBe(1);

    await waitFor(a, 'reaction:receipts', (r) => r.some((x) => x.ref === 2));
    expect(order).toEqual(['receipts 1', 'broadcast', 'receipts 2']);
  });
});