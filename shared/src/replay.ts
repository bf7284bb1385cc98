/**
 * Watch later (replay): a viewer plays the event's discussion against a
 * playhead of their own. The client asks for comments by moment range, a page
 * at a time, and never holds one far ahead of its playhead, so what lies ahead
 * is never on the wire (docs/decisions/0019-replay.md).
 */
import { z } from 'zod';
import { CLOCK_MAX_MS, eventTimeAt, type EventClock } from './event-clock.js';
import { Comment, Id } from './schemas.js';

/** The client holds comments at most this far ahead of its replay playhead, ms (the prefetch window). */
export const REPLAY_PREFETCH_MS = 60_000;

/** Where a page of a moment range stopped: the last comment's moment, seq and id (opaque to clients). */
export interface MomentCursor {
  moment: number;
  seq: number;
  id: string;
}

const CURSOR_FORMAT = /^(\d{1,9})\.(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/;

export const encodeCursor = (c: MomentCursor): string => `${c.moment}.${c.seq}.${c.id}`;

/** A cursor's parts, or null when the text is not one. */
export function decodeCursor(text: string): MomentCursor | null {
  const m = CURSOR_FORMAT.exec(text);
  return m ? { moment: Number(m[1]), seq: Number(m[2]), id: m[3]! } : null;
}

export const RangeCursor = z.string().regex(CURSOR_FORMAT, 'Not a valid range cursor');

/** An event time a request carries, ms: whole, 0 to CLOCK_MAX_MS. */
export const EventTimeMs = z
  .number({ error: 'An event time is a number of milliseconds' })
  .int('An event time is a whole number of milliseconds')
  .min(0, 'An event time cannot be negative')
  .max(CLOCK_MAX_MS, 'An event runs for at most 24 hours');

/** Comments of a joined post stamped in [fromMs, toMs), in (moment, seq) order, a page at a time. */
export const RangeRequest = z
  .object({
    postId: Id,
    fromMs: EventTimeMs,
    toMs: EventTimeMs,
    /** RangePage.next of the page before; absent for the first page of the range. */
    cursor: RangeCursor.optional(),
  })
  .refine((r) => r.toMs > r.fromMs, 'The range must end after it starts');
export type RangeRequest = z.input<typeof RangeRequest>;

export const RangePage = z.object({
  /** In (moment, seq) order, redacted for the reader like every other read. */
  comments: z.array(Comment),
  /** The cursor of the next page of the same range; null when the range has no more. */
  next: RangeCursor.nullable(),
  /** The post's sequence number and totals version the page was read at. */
  seq: z.number().int().nonnegative(),
  totalsVersion: z.number().int().nonnegative(),
});
export type RangePage = z.infer<typeof RangePage>;

/** `?t=12:34` (or `?t=754`, seconds) in a link to an event post, as ms; null when absent or not a time. */
export function parseReplayParam(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d{1,5}$/.test(text)) return Math.min(Number(text) * 1_000, CLOCK_MAX_MS);
  const m = /^(?:(\d{1,3}):)?(\d{1,3}):([0-5]\d)$/.exec(text);
  if (!m) return null;
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000;
  return Math.min(ms, CLOCK_MAX_MS);
}

/**
 * The moment of a comment written while watching later at `replayAtMs`,
 * accepted at server time `serverNow`: the replay playhead, cut to the event's
 * length so far (its event time then); null when the event has not started
 * (nothing to watch later). Same rule in the Redis comment script.
 */
export function replayMomentAt(clock: EventClock | null, serverNow: number, replayAtMs: number): number | null {
  if (!clock || clock.state === 'scheduled') return null;
  return Math.max(0, Math.min(Math.floor(replayAtMs), eventTimeAt(clock, serverNow)));
}

/** Orders comments by (moment, seq): the order of a moment range. */
export const byMomentThenSeq = (a: { moment: number | null; seq: number }, b: { moment: number | null; seq: number }): number =>
  (a.moment ?? -1) - (b.moment ?? -1) || a.seq - b.seq;
