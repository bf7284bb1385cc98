/** Ticks of the sleep detector, ms: timers do not run while the machine sleeps, so a long gap between two ticks was time away. */
export const TICK_MS = 5_000;

/**
 * Whether a gap between two ticks (ms) holds an absence of at least `thresholdMs`.
 * Awake, ticks come TICK_MS apart: only what is beyond that was asleep (a threshold
 * under TICK_MS, as the e2e suite sets, would otherwise call every tick a sleep).
 */
export function sleptBetweenTicks(gapMs: number, thresholdMs: number): boolean {
  return gapMs - TICK_MS >= thresholdMs;
}
