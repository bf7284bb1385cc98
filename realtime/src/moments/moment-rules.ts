/**
 * What a facilitator's change does to the post's moments, as a pure function
 * (the handler writes the result only if the stored list did not change meanwhile):
 *
 *   mark    at the current event time, or at a typed one; needs a started event
 *           (CONFLICT before the start), a time within the running length and
 *           room under the cap (INVALID)
 *   rename  the label of an existing moment (NOT_FOUND when it is gone)
 *   remove  an existing moment (NOT_FOUND when it is gone)
 */
import { AppError, eventTimeAt, sortMoments, type EventClock, type Moment, type MomentChange } from '@board/shared';

export interface MomentContext {
  clock: EventClock | null;
  /** Server clock now, ms since the epoch. */
  now: number;
  /** Most moments a post keeps (MOMENTS_MAX). */
  max: number;
  /** A fresh id for a new moment. */
  newId(): string;
}

export function nextMoments(current: Moment[], change: MomentChange, ctx: MomentContext): Moment[] {
  switch (change.action) {
    case 'mark': {
      const { clock } = ctx;
      if (!clock || clock.state === 'scheduled') throw new AppError('CONFLICT', 'Start the event before marking moments');
      if (clock.lengthMs !== null && change.at !== undefined && change.at > clock.lengthMs) {
        throw new AppError('INVALID', 'That time is past the end of the event');
      }
      if (current.length >= ctx.max) throw new AppError('INVALID', `A discussion keeps at most ${ctx.max} moments; remove one first`);
      const atMs = change.at ?? eventTimeAt(clock, ctx.now);
      return sortMoments([...current, { id: ctx.newId(), atMs, label: change.label }]);
    }
    case 'rename': {
      if (!current.some((m) => m.id === change.momentId)) throw gone();
      return current.map((m) => (m.id === change.momentId ? { ...m, label: change.label } : m));
    }
    case 'remove': {
      if (!current.some((m) => m.id === change.momentId)) throw gone();
      return current.filter((m) => m.id !== change.momentId);
    }
  }
}

const gone = () => new AppError('NOT_FOUND', 'That moment was removed');
