import { describe, expect, it } from 'vitest';
import type { ReactionReceipt } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';
import { createReceipts } from './receipts.js';

/** A connection that records the receipts frames sent to it. */
function fakeSocket() {
  const frames: number[][] = [];
  const socket = {
    connected: true,
    emit: (_event: string, batch: ReactionReceipt[]) => frames.push(batch.map((r) => r.ref!)),
  } as unknown as BoardSocket;
  return { socket, frames };
}

const stored = { ok: true, data: { active: true, counts: {} as never, seq: 1 } } as const;
const nextTick = () => new Promise((r) => setImmediate(r));

describe('reaction receipts', () => {
  it('sends the first answer after a quiet spell at the end of the tick, then at most one frame per window', async () => {
    let clock = 10_000;
    const receipts = createReceipts({ windowMs: 1_000, now: () => clock });
    const { socket, frames } = fakeSocket();
    receipts.add(socket, 1, stored);
    receipts.add(socket, 2, stored);
    expect(frames).toEqual([]);
    await nextTick();
    expect(frames).toEqual([[1, 2]]);
    clock += 10;
    receipts.add(socket, 3, stored);
    await nextTick();
    // Inside the window: it waits.
    expect(frames).toEqual([[1, 2]]);
    receipts.drain();
    expect(frames).toEqual([[1, 2], [3]]);
  });

  it('sends overdue answers from the next add when socket reads starve the timer', async () => {
    let clock = 10_000;
    const receipts = createReceipts({ windowMs: 1_000, now: () => clock });
    const a = fakeSocket();
    const b = fakeSocket();
    receipts.add(a.socket, 1, stored);
    await nextTick();
    receipts.add(a.socket, 2, stored);
    // The window has passed but the (real) timer could not run: the loop was reading sockets.
    clock += 1_100;
    receipts.add(b.socket, 10, stored);
    // a's overdue frame left from that add, synchronously; b's first goes at the end of the tick.
    expect(a.frames).toEqual([[1], [2]]);
    receipts.add(a.socket, 3, stored);
    expect(a.frames).toEqual([[1], [2]]);
    await nextTick();
    expect(b.frames).toEqual([[10]]);
    receipts.drain();
    expect(a.frames).toEqual([[1], [2], [3]]);
  });

  it('sends answers due now from the next add when socket reads keep the loop from its immediates', async () => {
    let clock = 10_000;
    const receipts = createReceipts({ windowMs: 1_000, now: () => clock });
    const a = fakeSocket();
    const b = fakeSocket();
    receipts.add(a.socket, 1, stored);
    // One turn of the loop reads sockets for longer than LATE_MS: its immediates wait.
    clock += 30;
    receipts.add(b.socket, 10, stored);
    expect(a.frames).toEqual([[1]]);
    expect(b.frames).toEqual([]);
    await nextTick();
    expect(b.frames).toEqual([[10]]);
  });
});
