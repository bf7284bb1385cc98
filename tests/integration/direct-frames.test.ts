/**
 * Broadcast frames written straight to a connection's TCP socket
 * (realtime/src/socket/direct-frames.ts) must arrive exactly as Engine.IO would
 * have sent them: every event once, in sequence order, interleaved correctly
 * with the frames addressed to one socket (acks). Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import { directFrameStats } from '@board/realtime';
import { connect, join, postComment, recordEvents, unwrap, untilCount } from '../support/clients.js';
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
});
