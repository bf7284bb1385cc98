/**
 * A crowded post's comments leave in frames at least BROADCAST_CROWD_TICK_MS apart
 * (posts/post-broadcaster.ts): the first after a quiet spell at once, the next ones
 * together. Here "crowded" is two people (BROADCAST_CROWD_VIEWERS=2), so two clients
 * show what thousands would get. Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import type { PostEvent } from '@board/shared';
import { connect, join, postComment, waitFor, type Client } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

/** Every `post:events` frame a socket receives, as the seqs it held. */
function frames(socket: Client): number[][] {
  const seen: number[][] = [];
  socket.on('post:events', (_postId: string, events: PostEvent[]) => seen.push(events.map((e) => e.seq)));
  return seen;
}

async function untilSeq(log: number[][], seq: number) {
  await expect.poll(() => log.flat().includes(seq), { timeout: 10_000 }).toBe(true);
}

describe.each<Engine>(['memory', 'redis'])('frames of a crowded post (%s engine)', (engine) => {
  // A tick long enough that three comments posted one after another always fall within it.
  const board = boardForSuite(engine, ['big', 'small'], { BROADCAST_CROWD_VIEWERS: '2', BROADCAST_CROWD_TICK_MS: '1500' });

  it('sends the first comment at once and the ones close behind it as one frame, a tick later', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const b = await connect(board.url, { name: 'Ben' });
    await join(a, 'big');
    const crowded = waitFor(b, 'presence', (p) => p.postId === 'big' && p.viewers === 2);
    await join(b, 'big');
    await crowded;
    const seen = frames(b);

    const first = await postComment(a, 'big', 'one');
    await untilSeq(seen, first.seq);
    const second = await postComment(a, 'big', 'two');
    const third = await postComment(a, 'big', 'three');
    await untilSeq(seen, third.seq);
    expect(seen).toEqual([[first.seq], [second.seq, third.seq]]);
  });

  it('leaves a post below the crowd alone: each comment its own frame, at once', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    await join(a, 'small');
    const seen = frames(a);
    const sent = [];
    for (const body of ['one', 'two', 'three']) sent.push((await postComment(a, 'small', body)).seq);
    await untilSeq(seen, sent[2]!);
    expect(seen).toEqual(sent.map((seq) => [seq]));
  });
});
