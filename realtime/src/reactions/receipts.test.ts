import { describe, expect, it, vi } from 'vitest';
import type { ReactionReceipt } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';
import { createReceipts } from './receipts.js';

/** A connection that records the receipts frames sent to it, and when (Date.now()). */
function fakeSocket() {
  const frames: number[][] = [];
  const times: number[] = [];
  const socket = {
    connected: true,
    emit: (_event: string, batch: ReactionReceipt[]) => {
      frames.push(batch.map((r) => r.ref!));
      times.push(Date.now());
    },
  } as unknown as BoardSocket;
  return { socket, frames, times };
}

const stored = { ok: true, data: { active: true, counts: {} as never, seq: 1 } } as const;
const nextTick = () => new Promise((r) => setImmediate(r));

/** Runs `body` on vitest's fake clock (timers, immediates and Date), from 100,000 ms. */
function onFakeClock(body: () => void): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
  try {
    vi.setSystemTime(100_000);
    body();
  } finally {
    vi.useRealTimers();
  }
}

describe('reaction receipts', () => {
  it('sends the first answer after a quiet spell at the end of the tick, then at most one frame per window', async () => {
    let clock = 10_000;
    const receipts = createReceipts({ windowMs: 1_000, perSecond: 2_500, now: () => clock });
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
    const receipts = createReceipts({ windowMs: 1_000, perSecond: 2_500, now: () => clock });
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
    const receipts = createReceipts({ windowMs: 1_000, perSecond: 2_500, now: () => clock });
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

  it('paces frames node-wide: connections due at once leave a slot\'s worth at a time', () =>
    onFakeClock(() => {
      // 100 frames a second: two per 20 ms slot.
      const receipts = createReceipts({ windowMs: 1_000, perSecond: 100 });
      const conns = Array.from({ length: 5 }, fakeSocket);
      conns.forEach((c, i) => receipts.add(c.socket, i, stored));
      const sent = () => conns.filter((c) => c.frames.length > 0).length;
      vi.advanceTimersByTime(0);
      expect(sent()).toBe(2);
      vi.advanceTimersByTime(20);
      expect(sent()).toBe(4);
      vi.advanceTimersByTime(20);
      expect(sent()).toBe(5);
      // Each connection got its own answer, once.
      expect(conns.map((c) => c.frames)).toEqual([[[0]], [[1]], [[2]], [[3]], [[4]]]);
    }));

  it('stretches the windows of a crowd beyond the pace, and keeps each connection to one frame per window', () =>
    onFakeClock(() => {
      // 100 frames a second for 200 connections that each answer a click every 100 ms: a frame each every ~2 s.
      const receipts = createReceipts({ windowMs: 1_000, perSecond: 100 });
      const conns = Array.from({ length: 200 }, fakeSocket);
      let ref = 0;
      for (let ms = 0; ms < 6_000; ms += 100) {
        for (const c of conns) receipts.add(c.socket, ref++, stored);
        vi.advanceTimersByTime(100);
      }
      const times = conns.map((c) => c.times);
      const frames = times.reduce((n, t) => n + t.length, 0);
      // 6 s at 100 a second, where one a second each would be 1,200.
      expect(frames).toBeGreaterThanOrEqual(590);
      expect(frames).toBeLessThanOrEqual(602);
      // Every connection had its turn, none more than once a second.
      expect(times.every((t) => t.length >= 2)).toBe(true);
      for (const t of times) for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeGreaterThanOrEqual(1_000);
    }));

  it('lets the pace hold a connection back by at most 3 s beyond its window', () =>
    onFakeClock(() => {
      // 50 frames a second (one per slot) and 300 connections due at once: paced, the last would wait 6 s.
      const receipts = createReceipts({ windowMs: 1_000, perSecond: 50 });
      const conns = Array.from({ length: 300 }, fakeSocket);
      conns.forEach((c, i) => receipts.add(c.socket, i, stored));
      vi.advanceTimersByTime(2_900);
      const early = conns.filter((c) => c.frames.length > 0).length;
      expect(early).toBeGreaterThanOrEqual(140);
      expect(early).toBeLessThan(300);
      vi.advanceTimersByTime(120);
      expect(conns.every((c) => c.frames.length === 1)).toBe(true);
    }));
});
