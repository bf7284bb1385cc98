/**
 * "The discussion around a moment": a reader clicks a moment chip or a moment
 * link, and the comments stamped within MOMENT_WINDOW_MS of it are highlighted,
 * the rest dimmed, until they clear it. One per post page, shared by every
 * comment through a context.
 */
import { createContext } from 'svelte';
import { MOMENT_WINDOW_MS, formatClockTime } from '@board/shared';

export class MomentFocus {
  /** The chosen moment, ms of event time; null when the whole discussion shows. */
  moment = $state<number | null>(null);

  readonly label = $derived(this.moment === null ? null : formatClockTime(this.moment));

  /** Picks a moment, or clears it when it is already the chosen one. */
  toggle(moment: number): void {
    this.moment = this.moment === moment ? null : moment;
  }

  clear(): void {
    this.moment = null;
  }

  /** Whether a comment stamped `moment` belongs to the chosen moment's discussion. */
  near(moment: number | null | undefined): boolean {
    return this.moment !== null && moment !== null && moment !== undefined && Math.abs(moment - this.moment) <= MOMENT_WINDOW_MS;
  }
}

export interface EventContext {
  focus: MomentFocus;
  /** Whether the post has an event at all: only then do times in comments become moment links. */
  readonly hasEvent: boolean;
}

export const [getEventContext, setEventContext] = createContext<EventContext>();

/** Safe to call where no post page set one (a comment rendered elsewhere). */
export function findEventContext(): EventContext | null {
  try {
    return getEventContext();
  } catch {
    return null;
  }
}
