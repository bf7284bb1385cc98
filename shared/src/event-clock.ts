/**
 * The watch-along's event clock, as both sides see it. The server keeps one
 * clock per post and changes it only by ordered post events; every client
 * derives the running time locally from the last change (no ticks on the wire):
 *
 *   event time = positionMs                              while paused/scheduled/ended
 *   event time = positionMs + (serverNow - changedAt)    while live
 *
 * capped at the running length when there is one.
 */
import { z } from 'zod';

export const CLOCK_STATES = ['scheduled', 'live', 'paused', 'ended'] as const;
export const ClockState = z.enum(CLOCK_STATES);
export type ClockState = z.infer<typeof ClockState>;

export const EventClock = z.object({
  state: ClockState,
  /** Event time at `changedAt`, ms from the event's start. */
  positionMs: z.number().int().nonnegative(),
  /** Server clock when the state or position last changed, ms since the epoch. */
  changedAt: z.number().int(),
  /** Running length, ms; null when open-ended. Event time never passes it. */
  lengthMs: z.number().int().positive().nullable(),
});
export type EventClock = z.infer<typeof EventClock>;

/** Longest event a clock accepts: 24 h, in ms. Longer is a typo. */
export const CLOCK_MAX_MS = 24 * 3_600_000;

const TIME_FORMAT = /^(?:(\d{1,2}):([0-5]\d)|(\d{1,3}):([0-5]\d):([0-5]\d))$/;

/**
 * A time typed by a person, `mm:ss` or `h:mm:ss` (minutes may pass 59 in the
 * short form: `90:00`), to ms. Anything else, a sign included, is refused.
 */
export const ClockTime = z
  .string({ error: 'Write the time as mm:ss or h:mm:ss' })
  .trim()
  .regex(TIME_FORMAT, 'Write the time as mm:ss or h:mm:ss, e.g. 12:34 or 1:02:03')
  .transform((s) => parseClockTime(s)!)
  .pipe(z.number().int().nonnegative().max(CLOCK_MAX_MS, 'An event can run for at most 24 hours'));

/** `mm:ss` / `h:mm:ss` to ms, or null when the text is not one. */
export function parseClockTime(text: string): number | null {
  const m = TIME_FORMAT.exec(text.trim());
  if (!m) return null;
  const [h, min, s] = m[1] !== undefined ? [0, Number(m[1]), Number(m[2])] : [Number(m[3]), Number(m[4]), Number(m[5])];
  return ((h * 60 + min) * 60 + s) * 1_000;
}

/** ms to `m:ss` under an hour, `h:mm:ss` from an hour (rounded down to the second). */
export function formatClockTime(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1_000);
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The event time a clock shows at server time `serverNow` (ms). */
export function eventTimeAt(clock: EventClock, serverNow: number): number {
  const running = clock.state === 'live' ? Math.max(0, serverNow - clock.changedAt) : 0;
  const at = clock.positionMs + running;
  return clock.lengthMs === null ? at : Math.min(at, clock.lengthMs);
}

/**
 * A viewer's playhead: where their own stream is when it runs `delayMs` behind
 * the event clock, at server time `serverNow`. While the clock runs it is the
 * event time less the delay; once the clock stops (paused, ended, or at its
 * length) the stream behind it still plays on until it reaches that point, `delayMs`
 * later. Never below 0, never past the clock. With no delay it is the event time.
 * (Only the current clock is known: a Jump less than `delayMs` ago is taken as if
 * the stream behind had jumped too.)
 */
export function playheadAt(clock: EventClock, serverNow: number, delayMs = 0): number {
  const elapsed = Math.max(0, serverNow - clock.changedAt);
  const stop = clock.state === 'live' ? (clock.lengthMs ?? Infinity) : clock.positionMs;
  return Math.min(stop, Math.max(0, clock.positionMs + elapsed - delayMs));
}

/**
 * The moment a comment accepted at `serverNow` is stamped with: the writer's
 * playhead (the event time, less their stream delay) while the event is live or
 * paused, and after the End while a delayed stream has not reached it yet; null
 * otherwise (not started, ended, no event). Same rule in the Redis comment script.
 */
export function momentAt(clock: EventClock | null, serverNow: number, delayMs = 0): number | null {
  if (!clock || clock.state === 'scheduled') return null;
  const at = playheadAt(clock, serverNow, delayMs);
  return clock.state === 'ended' && at >= clock.positionMs ? null : at;
}

/**
 * How far behind the event clock a viewer may say their stream runs, ms
 * ("My stream is behind"). The request schema refuses more; the server may
 * allow less (MAX_VIEWER_DELAY_MS).
 */
export const VIEWER_DELAY_MAX_MS = 120_000;
/** A viewer's stream delay as a request carries it: whole ms, 0 to VIEWER_DELAY_MAX_MS. */
export const ViewerDelay = z
  .number({ error: 'A stream delay is a number of milliseconds' })
  .int('A stream delay is a whole number of milliseconds')
  .min(0, 'A stream delay cannot be negative')
  .max(VIEWER_DELAY_MAX_MS, `A stream can be at most ${VIEWER_DELAY_MAX_MS / 1_000} s behind`);

/** A delay brought into 0..maxMs (whole ms); anything not a finite number is no delay. */
export function clampDelay(delayMs: number, maxMs = VIEWER_DELAY_MAX_MS): number {
  if (!Number.isFinite(delayMs)) return 0;
  return Math.min(Math.max(0, Math.round(delayMs)), Math.max(0, maxMs));
}

export type DelayFromPlayer =
  | { ok: true; delayMs: number; clamped: 'ahead' | 'too-far' | null }
  | { ok: false; message: string };

/**
 * "My player shows 41:20": the delay that puts the viewer's playhead there,
 * the event time less the typed time, to the whole second (a player shows
 * whole seconds), clamped to 0..maxMs; `clamped` says which end was hit.
 */
export function delayFromPlayerTime(typed: string, eventTimeMs: number, maxMs = VIEWER_DELAY_MAX_MS): DelayFromPlayer {
  const playerMs = parseClockTime(typed);
  if (playerMs === null) return { ok: false, message: 'Write the time your player shows as mm:ss or h:mm:ss, e.g. 12:34' };
  const raw = Math.round((eventTimeMs - playerMs) / 1_000) * 1_000;
  const delayMs = clampDelay(raw, maxMs);
  return { ok: true, delayMs, clamped: raw < 0 ? 'ahead' : raw > maxMs ? 'too-far' : null };
}

/** Comments within this distance of a chosen moment belong to its discussion, ms. */
export const MOMENT_WINDOW_MS = 30_000;
