/**
 * What the load generator reports back to the orchestrator over IPC. One
 * declaration for both sides, so the child's answer is checked against what
 * the table reads.
 */
import type { LatencySummary } from './stats.js';

/** One broadcast row: comments posted at a fixed rate and delivered to every viewer. */
export interface CommentsResult {
  sent: number;
  stored: number;
  viewers: number;
  expected: number;
  deliveries: number;
  lost: number;
  doubled: number;
  frames: number;
  latency: LatencySummary;
  drainMs: number;
  checkersOk: number;
  checkers: number;
  problems: string[];
  loadCpuPct: number;
  wallMs: number;
  /** Viewers whose connection closed during the run (the server dropped them). */
  dropped: number;
  firstPostError: string;
}

/** One reaction burst: clicks fired, answered (receipts), seen in totals frames, and the totals compared. */
export interface ReactionResult {
  clickers: number;
  fired: number;
  acked: number;
  failed: number;
  outstanding: number;
  firstFailure: string;
  wallMs: number;
  sendMs: number;
  visible: LatencySummary;
  unseen: number;
  ack: LatencySummary;
  reactionFramesPerViewerPerSec: number;
  /** Comments posted during the burst and how fast they reached the viewers. */
  comments: { sent: number; stored: number; deliveries: number; expected: number; latency: LatencySummary };
  expected: Record<string, number>;
  live: Array<Record<string, number> | null>;
  snapshot: Record<string, number> | null;
  liveExact: boolean;
  snapshotExact: boolean;
  loadCpuPct: number;
  /** How late the load process's own event loop ran while sending the burst (ms): its share of any measured latency. */
  loadLag: { p99: number; max: number };
  /** How the totals frames of the burst reached the viewers (load-child.ts, fanOutOf). */
  fanOut: FanOut;
  dropped: number;
  /**
   * A checker that rejoins with its sequence number and totals version halfway
   * through the burst, as a reconnecting viewer does: how it was answered
   * (replay or snapshot), how long it took (ms), and the events and totals in it.
   */
  resync: { mode: 'replay' | 'snapshot' | 'failed' | 'none'; ms: number; events: number; totals: number };
  /**
   * The room's pulse (meaningful with the event live): presses answered as
   * stored, presses counted in the stored buckets, whether both agree and every
   * checker heard exactly the stored pulse, and the most pulse-bearing frames
   * a checker received per second.
   */
  pulse: { presses: number; counted: number | null; exact: boolean; framesPerViewerPerSec: number };
}

/**
 * The totals frames of a burst as the viewers received them (ms): the period between one
 * frame and the next (first arrivals), and the spread of one frame from its first to its
 * last viewer. Click→visible is roughly a wait for the next frame plus the spread.
 */
export interface FanOut {
  frames: number;
  periodP50: number;
  periodP90: number;
  spreadP50: number;
  spreadP90: number;
}

/** Garbage-collection pauses of a server's main thread over a window (ms). */
export interface GcPauses {
  count: number;
  ms: number;
  maxMs: number;
}
