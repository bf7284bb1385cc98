import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseReplayParam, replayMomentAt } from './replay.js';
import type { EventClock } from './event-clock.js';

describe('replay', () => {
  it('reads ?t= as m:ss, h:mm:ss or seconds, and nothing else', () => {
    expect(parseReplayParam('12:34')).toBe(754_000);
    expect(parseReplayParam('1:02:03')).toBe(3_723_000);
    expect(parseReplayParam('90')).toBe(90_000);
    for (const bad of [null, '', '-5', '1:60', 'abc', '12:3']) expect(parseReplayParam(bad)).toBeNull();
  });

  it('stamps a replayed comment at the playhead, cut to the event so far; nothing before the start', () => {
    const live: EventClock = { state: 'live', positionMs: 60_000, changedAt: 1_000, lengthMs: null };
    expect(replayMomentAt(live, 11_000, 30_500.7)).toBe(30_500);
    expect(replayMomentAt(live, 11_000, 999_999)).toBe(70_000);
    expect(replayMomentAt({ ...live, state: 'ended' }, 11_000, 999_999)).toBe(60_000);
    expect(replayMomentAt({ ...live, state: 'scheduled' }, 11_000, 5)).toBeNull();
    expect(replayMomentAt(null, 11_000, 5)).toBeNull();
  });

  it('round-trips a cursor and refuses anything else', () => {
    const c = { moment: 61_000, seq: 42, id: 'cAbc_-1' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor('61000.42')).toBeNull();
    expect(decodeCursor('x.1.c')).toBeNull();
  });
});
