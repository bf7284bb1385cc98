import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SeqBuffer } from './seq-buffer.js';

const ev = (seq: number) => ({ seq });

describe('SeqBuffer', () => {
  let applied: number[];
  let gaps: { expected: number; held: number }[];
  let buf: SeqBuffer<{ seq: number }>;

  beforeEach(() => {
    vi.useFakeTimers();
    applied = [];
    gaps = [];
    buf = new SeqBuffer({ apply: (e) => applied.push(e.seq), onGap: (g) => gaps.push(g), gapTimeoutMs: 1_000 });
  });
  afterEach(() => {
    buf.dispose();
    vi.useRealTimers();
  });

  it('holds events until the snapshot, then applies only the newer ones in order', () => {
    buf.push([ev(5), ev(3), ev(4)]);
    expect(applied).toEqual([]);
    expect(buf.syncing).toBe(true);
    buf.reset(3);
    expect(applied).toEqual([4, 5]);
    expect(buf.seq).toBe(5);
  });

  it('applies each event once, whatever the duplicates', () => {
    buf.reset(0);
    buf.push([ev(1), ev(1), ev(2)]);
    buf.push([ev(2), ev(1), ev(3)]);
    expect(applied).toEqual([1, 2, 3]);
  });

  it('waits for a late event that closes a gap, and reports none', () => {
    buf.reset(10);
    buf.push([ev(12), ev(13)]);
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(900);
    buf.push([ev(11)]);
    expect(applied).toEqual([11, 12, 13]);
    vi.advanceTimersByTime(5_000);
    expect(gaps).toEqual([]);
  });

  it('reports a gap that does not close, and holds new events until reset', () => {
    buf.reset(10);
    buf.push([ev(12)]);
    vi.advanceTimersByTime(1_000);
    expect(gaps).toEqual([{ expected: 11, held: 1 }]);
    expect(buf.syncing).toBe(true);
    buf.push([ev(13)]);
    expect(applied).toEqual([]);
    // The resync replays 11..12; 13 was held and follows.
    buf.reset(12);
    expect(applied).toEqual([13]);
  });

  it('treats an announced head beyond what arrived as a gap, unless the events come', () => {
    buf.reset(10);
    buf.head(10);
    vi.advanceTimersByTime(5_000);
    expect(gaps).toEqual([]);
    buf.head(12);
    vi.advanceTimersByTime(500);
    buf.push([ev(11), ev(12)]);
    vi.advanceTimersByTime(5_000);
    expect(gaps).toEqual([]);
    expect(applied).toEqual([11, 12]);
    buf.head(13);
    vi.advanceTimersByTime(1_000);
    expect(gaps).toEqual([{ expected: 13, held: 0 }]);
  });

  it('reports a gap at once when too much is held', () => {
    const small = new SeqBuffer({ apply: () => undefined, onGap: (g) => gaps.push(g), maxHeld: 3 });
    small.reset(0);
    small.push([ev(2), ev(3), ev(4), ev(5)]);
    expect(gaps).toEqual([{ expected: 1, held: 4 }]);
    small.dispose();
  });
});
