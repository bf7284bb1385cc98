import { describe, expect, it } from 'vitest';
import { createLocalWindow } from './rate-limits.js';

describe('local rate-limit window', () => {
  it('allows `points` actions per window per key, then says how long to wait', () => {
    let t = 1_000;
    const limiter = createLocalWindow(3, 1_000, () => t);
    expect([limiter.consume('a'), limiter.consume('a'), limiter.consume('a')]).toEqual([undefined, undefined, undefined]);
    t += 400;
    expect(limiter.consume('a')).toBe(600);
    // Another key has its own budget.
    expect(limiter.consume('b')).toBeUndefined();
    t += 600;
    expect(limiter.consume('a')).toBeUndefined();
  });

  it('answers synchronously, never with a promise', () => {
    const limiter = createLocalWindow(1, 1_000);
    expect(limiter.consume('a')).toBeUndefined();
    expect(typeof limiter.consume('a')).toBe('number');
  });
});
