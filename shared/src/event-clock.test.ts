import { describe, expect, it } from 'vitest';
import {
  VIEWER_DELAY_MAX_MS,
  ViewerDelay,
  clampDelay,
  delayFromPlayerTime,
  momentAt,
  playheadAt,
  type EventClock,
} from './event-clock.js';

const T0 = 1_800_000_000_000;
const clock = (state: EventClock['state'], positionMs: number, lengthMs: number | null = null): EventClock => ({
  state,
  positionMs,
  changedAt: T0,
  lengthMs,
});

describe('a viewer playhead', () => {
  it('is the event time with no delay, in every state', () => {
    expect(playheadAt(clock('live', 60_000), T0 + 5_000)).toBe(65_000);
    expect(playheadAt(clock('paused', 60_000), T0 + 5_000)).toBe(60_000);
    expect(playheadAt(clock('ended', 90_000), T0 + 5_000)).toBe(90_000);
    expect(playheadAt(clock('scheduled', 0), T0 + 5_000)).toBe(0);
    expect(playheadAt(clock('live', 60_000, 62_000), T0 + 5_000)).toBe(62_000);
  });

  it('runs the delay behind a live clock, never below 0', () => {
    expect(playheadAt(clock('live', 60_000), T0 + 5_000, 30_000)).toBe(35_000);
    expect(playheadAt(clock('live', 10_000), T0, 30_000)).toBe(0);
  });

  it('reaches a stopped clock once the delay has passed, and never passes it', () => {
    const paused = clock('paused', 60_000);
    expect(playheadAt(paused, T0, 30_000)).toBe(30_000);
    expect(playheadAt(paused, T0 + 10_000, 30_000)).toBe(40_000);
    expect(playheadAt(paused, T0 + 30_000, 30_000)).toBe(60_000);
    expect(playheadAt(paused, T0 + 99_000, 30_000)).toBe(60_000);
    // A live clock at its running length stops there too.
    expect(playheadAt(clock('live', 0, 40_000), T0 + 50_000, 20_000)).toBe(30_000);
    expect(playheadAt(clock('live', 0, 40_000), T0 + 70_000, 20_000)).toBe(40_000);
  });

  it('counts a node clock behind changedAt as no time passed', () => {
    expect(playheadAt(clock('live', 60_000), T0 - 5_000, 10_000)).toBe(50_000);
  });
});

describe('the moment a comment is stamped with', () => {
  it('is the writer playhead while live or paused, and nothing before the start', () => {
    expect(momentAt(null, T0)).toBeNull();
    expect(momentAt(clock('scheduled', 0), T0, 10_000)).toBeNull();
    expect(momentAt(clock('live', 60_000), T0 + 1_000, 20_000)).toBe(41_000);
    expect(momentAt(clock('paused', 60_000), T0, 20_000)).toBe(40_000);
  });

  it('after the End: only while a delayed stream has not reached it', () => {
    const ended = clock('ended', 90_000);
    expect(momentAt(ended, T0 + 1_000)).toBeNull();
    expect(momentAt(ended, T0 + 1_000, 30_000)).toBe(61_000);
    expect(momentAt(ended, T0 + 30_000, 30_000)).toBeNull();
  });
});

describe('stream delays', () => {
  it('the request schema takes whole ms from 0 to the protocol bound', () => {
    expect(ViewerDelay.parse(0)).toBe(0);
    expect(ViewerDelay.parse(VIEWER_DELAY_MAX_MS)).toBe(VIEWER_DELAY_MAX_MS);
    for (const bad of [-1, VIEWER_DELAY_MAX_MS + 1, 1.5, '5000', null, Number.NaN, Infinity]) {
      expect(ViewerDelay.safeParse(bad).success, String(bad)).toBe(false);
    }
  });

  it('clamps into 0..max, whole ms; not a number is no delay', () => {
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(500_000)).toBe(VIEWER_DELAY_MAX_MS);
    expect(clampDelay(90_000, 60_000)).toBe(60_000);
    expect(clampDelay(1_234.6)).toBe(1_235);
    expect(clampDelay(Number.NaN)).toBe(0);
    expect(clampDelay(5_000, 0)).toBe(0);
  });

  it('from a typed player time: the event time less it, to the second, clamped with the end named', () => {
    expect(delayFromPlayerTime('41:20', 41 * 60_000 + 50_400)).toEqual({ ok: true, delayMs: 30_000, clamped: null });
    expect(delayFromPlayerTime(' 1:02:03 ', 3_723_000 + 12_600)).toEqual({ ok: true, delayMs: 13_000, clamped: null });
    expect(delayFromPlayerTime('10:05', 600_000)).toEqual({ ok: true, delayMs: 0, clamped: 'ahead' });
    expect(delayFromPlayerTime('5:00', 600_000)).toEqual({ ok: true, delayMs: VIEWER_DELAY_MAX_MS, clamped: 'too-far' });
    expect(delayFromPlayerTime('9:30', 600_000, 20_000)).toEqual({ ok: true, delayMs: 20_000, clamped: 'too-far' });
    for (const bad of ['', 'ab:cd', '-0:30', '12:75', '1234', '1:2']) {
      expect(delayFromPlayerTime(bad, 600_000).ok, bad).toBe(false);
    }
  });
});
