/**
 * How a client comes back after losing the board, shared by the web client and
 * the benchmark's simulated crowd (scripts/bench/storm.ts), so the storm a node
 * restart causes is measured with the backoff people's browsers really use.
 *
 * Socket.IO waits delayMs × 2^attempt, moved by up to ± randomizationFactor of
 * itself, capped at delayMaxMs. With its default 0.5, a node's 2,500
 * viewers all come back within 0.5–1.5 s; with 1 they spread over 0–2 s, half
 * the arrival rate at the surviving node, and a wait is never longer than
 * before on average.
 */
export interface ReconnectPolicy {
  readonly delayMs: number;
  readonly delayMaxMs: number;
  readonly randomizationFactor: number;
  readonly serverCloseSpreadMs: number;
}

export const RECONNECT: ReconnectPolicy = {
  /** First wait after a dropped connection, ms. */
  delayMs: 1_000,
  /** Longest wait between attempts, ms: during a watch-along a longer silence feels broken. */
  delayMaxMs: 5_000,
  /** Share of each wait drawn at random, either way (Socket.IO's `randomizationFactor`, 0–1). */
  randomizationFactor: 1,
  /**
   * When the server closes the connection on purpose (a node draining for a
   * restart), Socket.IO does not retry by itself; the client waits a random
   * 0–this many ms first, so a whole node's viewers do not arrive at once, ms.
   */
  serverCloseSpreadMs: 2_000,
};

/**
 * Socket.IO's wait before reconnect attempt `attempt` (0 = the first), ms,
 * given a random draw in [0, 1): the formula of its backoff, written out so
 * simulated clients wait as browsers do.
 */
export function reconnectWaitMs(attempt: number, random: number, r: ReconnectPolicy = RECONNECT): number {
  const base = r.delayMs * 2 ** attempt;
  const deviation = Math.floor(random * r.randomizationFactor * base);
  // Socket.IO picks the direction from the same draw: one of its tenths up, the next down.
  const up = (Math.floor(random * 10) & 1) === 1;
  return Math.min(r.delayMaxMs, up ? base + deviation : base - deviation) | 0;
}
