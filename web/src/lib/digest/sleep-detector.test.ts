import { describe, expect, it } from 'vitest';
import { sleptBetweenTicks, TICK_MS } from './sleep-detector.js';

describe('sleep detector', () => {
  it('takes an on-time tick for being awake, whatever the threshold', () => {
    expect(sleptBetweenTicks(TICK_MS, 1_000)).toBe(false);
    expect(sleptBetweenTicks(TICK_MS + 999, 1_000)).toBe(false);
    expect(sleptBetweenTicks(TICK_MS + 60_000, 120_000)).toBe(false);
  });
  it('counts only the time past the tick as asleep', () => {
    expect(sleptBetweenTicks(TICK_MS + 1_000, 1_000)).toBe(true);
    expect(sleptBetweenTicks(TICK_MS + 120_000, 120_000)).toBe(true);
  });
});
