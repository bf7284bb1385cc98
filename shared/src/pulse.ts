/**
 * The room's pulse: reactions (by kind) and comments per slice of event time.
 *
 * The store counts into 5 s buckets, in the same atomic write as the totals or
 * the comment, stamped with the event time at which the server accepted the
 * press or comment (never a client clock). Counts only grow: a press taken back
 * does not un-happen, and a deleted comment was still said then. So a bucket's
 * counts are absolute and monotone, and a client merges what it hears (join
 * answer, `post:totals.pulse`, `post:pulse`) by taking the larger count of each
 * field: any order of frames, from any node, ends in the same pulse.
 */
import { z } from 'zod';
import { REACTION_KINDS, type ReactionKind } from './schemas.js';

/** Width of one stored bucket, ms of event time. Bucket i covers [i·5 s, (i+1)·5 s). */
export const PULSE_BUCKET_MS = 5_000;

const count = z.number().int().nonnegative();
/**
 * One bucket, as a tuple to keep frames small (a two-hour event is up to 1,440
 * of them): [bucket index, like, love, laugh, wow, comments]. Only buckets
 * with something in them are sent (sparse).
 */
export const PulseBucket = z.tuple([count, count, count, count, count, count]);
export type PulseBucket = z.infer<typeof PulseBucket>;

/** Tuple position of each reaction kind in a PulseBucket; comments are at 5. */
export const PULSE_KIND_AT: Record<ReactionKind, 1 | 2 | 3 | 4> = { like: 1, love: 2, laugh: 3, wow: 4 };
export const PULSE_COMMENTS_AT = 5;

/** The bucket an event time (ms) falls in. */
export const pulseBucketOf = (momentMs: number): number => Math.floor(Math.max(0, momentMs) / PULSE_BUCKET_MS);

/** Reactions of a bucket, all kinds together. */
export const bucketReactions = (b: PulseBucket): number => b[1] + b[2] + b[3] + b[4];

/**
 * Merges buckets into a map by index, each field the larger of the two (counts
 * only grow). Returns whether anything changed.
 */
export function mergePulse(into: Map<number, PulseBucket>, buckets: readonly PulseBucket[]): boolean {
  let changed = false;
  for (const b of buckets) {
    const had = into.get(b[0]);
    if (!had) {
      into.set(b[0], [...b]);
      changed = true;
      continue;
    }
    for (let k = 1; k <= 5; k++) {
      if (b[k]! > had[k]!) {
        had[k] = b[k]!;
        changed = true;
      }
    }
  }
  return changed;
}

/** Most bars the strip shows: past this, stored buckets are merged into wider ones. */
export const PULSE_STRIP_MAX_BARS = 400;
/** Under this event length the strip shows the stored 5 s buckets as they are, ms. */
export const PULSE_FINE_SPAN_MS = 30 * 60_000;

/** A bar of the strip: event time [fromMs, fromMs + widthMs), its reactions by kind and its comments. */
export interface PulseBar {
  fromMs: number;
  widthMs: number;
  reactions: Record<ReactionKind, number>;
  comments: number;
}

/**
 * The strip's bars for an event that has run `spanMs`: 5 s bars while it is
 * under 30 min, then bars of a whole number of buckets, widening so there are
 * never more than PULSE_STRIP_MAX_BARS. Empty bars are included (the strip is
 * a timeline).
 */
export function pulseBars(buckets: ReadonlyMap<number, PulseBucket>, spanMs: number): PulseBar[] {
  const stored = Math.max(1, Math.ceil(spanMs / PULSE_BUCKET_MS), ...[...buckets.keys()].map((i) => i + 1));
  const per = stored * PULSE_BUCKET_MS <= PULSE_FINE_SPAN_MS ? 1 : Math.ceil(stored / PULSE_STRIP_MAX_BARS);
  const bars: PulseBar[] = [];
  for (let first = 0; first < stored; first += per) {
    const bar: PulseBar = {
      fromMs: first * PULSE_BUCKET_MS,
      widthMs: per * PULSE_BUCKET_MS,
      reactions: { like: 0, love: 0, laugh: 0, wow: 0 },
      comments: 0,
    };
    for (let i = first; i < first + per; i++) {
      const b = buckets.get(i);
      if (!b) continue;
      for (const kind of REACTION_KINDS) bar.reactions[kind] += b[PULSE_KIND_AT[kind]];
      bar.comments += b[PULSE_COMMENTS_AT];
    }
    bars.push(bar);
  }
  return bars;
}
