/**
 * The event time on this screen, derived locally from the post's last clock
 * event and the server time (server-time.svelte.ts): nothing ticks over the
 * wire. While something reads it, it is recomputed every TICK_MS.
 *
 * A viewer's playhead (the event time less their stream delay) is
 * `playheadMs(delay)`, read through a Playhead (playhead.svelte.ts).
 */
import { createSubscriber } from 'svelte/reactivity';
import { eventTimeAt, formatClockTime, playheadAt, type EventClock } from '@board/shared';
import { serverTime } from './server-time.svelte.js';

/** Recompute period while the clock runs or counts down, ms: fine enough for a `data-` attribute read by tests. */
const TICK_MS = 100;

export interface ClockSource {
  readonly clock: EventClock | null;
  readonly scheduledAt: number | null;
}

export class EventTime {
  #serverNow = $state(serverTime.now());
  /** This tab's Date.now() when #serverNow was taken, ms: lets a test compare two tabs' readings taken at different moments. */
  #computedAt = $state(Date.now());
  readonly #source: () => ClockSource;
  readonly #subscribe = createSubscriber((update) => {
    const timer = setInterval(() => {
      this.#computedAt = Date.now();
      this.#serverNow = this.#computedAt + serverTime.offsetMs;
      update();
    }, TICK_MS);
    return () => clearInterval(timer);
  });

  constructor(source: () => ClockSource) {
    this.#source = source;
  }

  /** The server time this view last computed with, ms since the epoch. */
  get serverNow(): number {
    this.#subscribe();
    return this.#serverNow;
  }

  /** This tab's wall clock when the shown time was computed, ms since the epoch (see #computedAt). */
  get computedAt(): number {
    this.#subscribe();
    return this.#computedAt;
  }

  get clock(): EventClock | null {
    return this.#source().clock;
  }

  /** The event time now, ms (0 before the start). */
  get eventTimeMs(): number {
    const clock = this.clock;
    return clock ? eventTimeAt(clock, this.serverNow) : 0;
  }

  /** Where a stream `delayMs` behind the event is now, ms (playheadAt in shared/src/event-clock.ts). */
  playheadMs(delayMs = 0): number {
    const clock = this.clock;
    return clock ? playheadAt(clock, this.serverNow, delayMs) : 0;
  }

  /** ms until the scheduled start; null when none is ahead or the event has begun. */
  get startsInMs(): number | null {
    const { clock, scheduledAt } = this.#source();
    if (scheduledAt === null || (clock && clock.state !== 'scheduled')) return null;
    const left = scheduledAt - this.serverNow;
    return left > 0 ? left : null;
  }

  /** One line for people: "Starts in 4:12", "Live · 34:10", "Paused · 34:10", "Ended · 1:52:03". */
  get label(): string | null {
    return clockLabel(this.clock, this.startsInMs, this.eventTimeMs, 'exact');
  }
}

/**
 * The clock in words. `exact` counts down by the second (a post page);
 * `brief` rounds to minutes ("Starts in 12 min", the post list).
 */
export function clockLabel(clock: EventClock | null, startsInMs: number | null, eventTimeMs: number, style: 'exact' | 'brief'): string | null {
  const state = clock?.state ?? 'scheduled';
  if (state === 'scheduled') {
    if (startsInMs === null) return clock ? 'Not started' : null;
    if (style === 'exact') return `Starts in ${formatClockTime(startsInMs + 999)}`;
    const min = Math.ceil(startsInMs / 60_000);
    return min < 60 ? `Starts in ${min} min` : `Starts in ${Math.round(min / 60)} h`;
  }
  const time = formatClockTime(eventTimeMs);
  if (state === 'live') return `Live · ${time}`;
  if (state === 'paused') return style === 'brief' ? 'Paused' : `Paused · ${time}`;
  return `Ended · ${time}`;
}
