import { describe, expect, it } from 'vitest';
import { AppError, ClockTime, formatClockTime, type EventClock } from '@board/shared';
import { nextClock } from './clock-rules.js';

const t0 = 1_700_000_000_000;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return 'no error';
};

describe('event clock rules', () => {
  it('runs scheduled → live ⇄ paused → ended, keeping the position across each change', () => {
    const live = nextClock(null, { postId: 'p', action: 'start', length: 3_600_000 }, t0);
    expect(live).toEqual({ state: 'live', positionMs: 0, changedAt: t0, lengthMs: 3_600_000 });
    const paused = nextClock(live, { postId: 'p', action: 'pause' }, t0 + 65_000);
    expect(paused).toMatchObject({ state: 'paused', positionMs: 65_000, changedAt: t0 + 65_000 });
    const resumed = nextClock(paused, { postId: 'p', action: 'resume' }, t0 + 200_000);
    expect(resumed).toMatchObject({ state: 'live', positionMs: 65_000, changedAt: t0 + 200_000 });
    const jumped = nextClock(resumed, { postId: 'p', action: 'jump', to: 754_000 }, t0 + 201_000);
    expect(jumped).toMatchObject({ state: 'live', positionMs: 754_000 });
    const ended = nextClock(jumped, { postId: 'p', action: 'end' }, t0 + 211_000);
    expect(ended).toMatchObject({ state: 'ended', positionMs: 764_000 });
  });

  it('refuses controls that do not fit the state with CONFLICT, bad values with INVALID', () => {
    const live: EventClock = { state: 'live', positionMs: 0, changedAt: t0, lengthMs: 60_000 };
    const ended: EventClock = { ...live, state: 'ended' };
    expect(codeOf(() => nextClock(live, { postId: 'p', action: 'start' }, t0))).toBe('CONFLICT');
    expect(codeOf(() => nextClock(live, { postId: 'p', action: 'resume' }, t0))).toBe('CONFLICT');
    expect(codeOf(() => nextClock(null, { postId: 'p', action: 'pause' }, t0))).toBe('CONFLICT');
    expect(codeOf(() => nextClock(null, { postId: 'p', action: 'jump', to: 0 }, t0))).toBe('CONFLICT');
    expect(codeOf(() => nextClock(ended, { postId: 'p', action: 'jump', to: 0 }, t0))).toBe('CONFLICT');
    expect(codeOf(() => nextClock(ended, { postId: 'p', action: 'end' }, t0))).toBe('CONFLICT');
    expect(codeOf(() => nextClock(live, { postId: 'p', action: 'jump', to: 60_001 }, t0))).toBe('INVALID');
    expect(codeOf(() => nextClock(null, { postId: 'p', action: 'start', length: 0 }, t0))).toBe('INVALID');
  });

  it('reads mm:ss and h:mm:ss and refuses anything else', () => {
    expect(ClockTime.parse('12:34')).toBe(754_000);
    expect(ClockTime.parse('90:00')).toBe(5_400_000);
    expect(ClockTime.parse('1:02:03')).toBe(3_723_000);
    for (const bad of ['-0:30', '1:2', '12:60', 'ab:cd', '', '1.5', 12, null, '25:00:00']) {
      expect(ClockTime.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(formatClockTime(754_999)).toBe('12:34');
    expect(formatClockTime(3_723_000)).toBe('1:02:03');
  });
});
