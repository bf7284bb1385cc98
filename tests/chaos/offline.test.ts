/**
 * A phone drops off the network for 1 to 60 s while the discussion goes on.
 * When it comes back it must show everything it missed, once, in order: by
 * replay when the log still reaches back, by a fresh snapshot when it does not.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBoard, type Board } from '../support/board.js';
import { startViewer, startWriter, type Viewer } from '../support/resilient-clients.js';

/** Takes a viewer off the network (its transport dropped, no retries) until `back()`. */
function goOffline(viewer: Viewer): { back: () => void } {
  const manager = viewer.socket.io;
  manager.reconnection(false);
  manager.engine.close();
  return {
    back: () => {
      manager.reconnection(true);
      viewer.socket.connect();
    },
  };
}

describe.each([
  { engine: 'memory' as const, offlineS: 1, missed: 20, logMax: 10_000, expect: 'replay' },
  { engine: 'redis' as const, offlineS: 15, missed: 60, logMax: 10_000, expect: 'replay' },
  { engine: 'redis' as const, offlineS: 60, missed: 90, logMax: 10_000, expect: 'replay' },
  { engine: 'redis' as const, offlineS: 2, missed: 300, logMax: 100, expect: 'snapshot' },
])('a viewer offline for $offlineS s on $engine, missing $missed comments', (c) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: c.engine, redisUrl: inject('redisUrl'), env: { REPLAY_LOG_MAX: String(c.logMax) } });
    await board.store.createPost({ id: 'p', title: 'P', description: '', body: '' });
  });
  afterAll(() => board.close());

  it(`recovers everything by ${c.expect}`, async () => {
    const viewer = startViewer(board.url, 'p');
    const writer = await startWriter(board.url, 'p', 'Writer');
    await viewer.ready;
    const before = await writer.post('before');
    await viewer.until(new Set([before.comment.id]));

    const offline = goOffline(viewer);
    const started = Date.now();
    const missed: string[] = [];
    // Spread the writes over the offline time: the discussion goes on without this viewer.
    const gapMs = (c.offlineS * 1_000) / c.missed;
    for (let i = 0; i < c.missed; i++) {
      missed.push((await writer.post(`while away ${i}`)).comment.id);
      const due = started + (i + 1) * gapMs;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now())); // the scenario's offline time, not a wait for a result
    }
    offline.back();
    const after = await writer.post('after');
    await viewer.until(new Set([...missed, after.comment.id]));

    const got = viewer.stats.applied;
    const want = [before.comment.id, ...missed, after.comment.id];
    console.log(
      `[chaos] offline ${((Date.now() - started) / 1000).toFixed(1)} s on ${c.engine}: missed ${c.missed}, ` +
        `recovered by ${viewer.stats.replays > 0 ? 'replay' : 'snapshot'}; applied ${got.length}, doubled ${viewer.stats.doubled}, out of order ${viewer.stats.outOfOrder}`,
    );
    expect(got).toEqual(want);
    expect(viewer.stats.doubled).toBe(0);
    expect(viewer.stats.outOfOrder).toBe(0);
    if (c.expect === 'replay') expect(viewer.stats.replays).toBe(1);
    else expect(viewer.stats.snapshots).toBe(2); // the first join, then the too-old gap
    viewer.close();
    writer.close();
  });
});
