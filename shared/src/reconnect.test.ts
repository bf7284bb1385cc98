import { describe, expect, it } from 'vitest';
import { RECONNECT, reconnectWaitMs } from './reconnect.js';

describe('reconnectWaitMs', () => {
  it('spreads the first wait over 0–2 × delayMs with the shipped jitter', () => {
    const waits = Array.from({ length: 1_000 }, (_, i) => reconnectWaitMs(0, i / 1_000));
    expect(Math.min(...waits)).toBeLessThan(RECONNECT.delayMs * 0.2);
    expect(Math.max(...waits)).toBeGreaterThan(RECONNECT.delayMs * 1.8);
    expect(waits.every((w) => w >= 0 && w <= 2 * RECONNECT.delayMs)).toBe(true);
  });

  it('doubles per attempt and never waits longer than delayMaxMs', () => {
    const plain = { ...RECONNECT, randomizationFactor: 0 };
    expect([0, 1, 2, 3, 10].map((a) => reconnectWaitMs(a, 0.5, plain))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(reconnectWaitMs(6, 0.99)).toBe(RECONNECT.delayMaxMs);
  });
});
