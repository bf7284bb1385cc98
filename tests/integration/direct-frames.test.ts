/**
 * Broadcast frames written straight to a connection's TCP socket
 * (realtime/src/socket/direct-frames.ts) must arrive exactly as Engine.IO would
 * have sent them: every event once, in sequence order, interleaved correctly
 * with the frames addressed to one socket (acks). Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import { directFrameStats, directReadStats } from '@board/realtime';
import type { ReactionReceipt } from '@board/shared';
import { connect, join, postComment, recordEvents, unwrap, untilCount, waitFor } from '../support/clients.js';
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

  it('writes receipts frames of over 64 KB whole, each click answered once', async () => {
    const clicker = await connect(board.url, { name: 'Clicker' });
    await join(clicker, 'p');
    const target = await postComment(clicker, 'p', 'react to me');
    const frames: ReactionReceipt[][] = [];
    clicker.on('reaction:receipts', (receipts) => frames.push(receipts));
    const before = { ...directFrameStats };
    const readBefore = directReadStats.direct;

    // A burst far over the reaction budget: the refusals are answered in the tick
    // that reads them and the stored clicks after their batch, in frames of up to
    // over 64 KB (a WebSocket frame header's longest length field; the unit test
    // of direct-frames.ts covers all three).
    const clicks = 2_000;
    for (let ref = 1; ref <= clicks; ref++) {
      clicker.emit('reaction:set', { postId: 'p', commentId: target.id, kind: 'like', active: ref % 2 === 1, ref });
    }
    await waitFor(clicker, 'reaction:receipts', () => frames.flat().length >= clicks);

    const refs = frames.flat().map((r) => r.ref);
    expect(refs).toHaveLength(clicks);
    expect(new Set(refs).size).toBe(clicks);
    const sizes = frames.map((f) => JSON.stringify(['reaction:receipts', f]).length);
    expect(Math.max(...sizes)).toBeGreaterThan(65_535);
    expect(frames.flat().filter((r) => r.result.ok).length).toBeGreaterThan(0);
    expect(directFrameStats.emitDirect - before.emitDirect).toBeGreaterThan(0);
    // The clicks themselves were read straight off the WebSocket (direct-reads.ts).
    expect(directReadStats.direct - readBefore).toBe(clicks);
  });
});
