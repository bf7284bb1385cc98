/**
 * What each facilitator control does to the event clock, as a pure function:
 *
 *   scheduled (or none) --Start--> live <--Pause/Resume--> paused --End--> ended
 *                                  live/paused --Jump--> same state, new position
 *                                  live --End--> ended
 *
 * A control that does not fit the state is CONFLICT; a time past the running
 * length, or a zero length, is INVALID. Nothing is stored here: the handler
 * writes the result with a check that the clock did not change meanwhile.
 */
import { AppError, eventTimeAt, type ClockControl, type EventClock } from '@board/shared';

const conflict = (message: string) => new AppError('CONFLICT', message);

export function nextClock(current: EventClock | null, control: ClockControl, now: number): EventClock {
  const state = current?.state ?? 'scheduled';
  const position = current ? eventTimeAt(current, now) : 0;
  switch (control.action) {
    case 'start': {
      if (state !== 'scheduled') throw conflict(state === 'ended' ? 'The event has ended' : 'The event is already running');
      if (control.length === 0) throw new AppError('INVALID', 'A running length must be longer than 0:00');
      return { state: 'live', positionMs: 0, changedAt: now, lengthMs: control.length ?? current?.lengthMs ?? null };
    }
    case 'pause':
      if (state !== 'live') throw conflict(state === 'paused' ? 'The event is already paused' : 'Only a running event can be paused');
      return { ...current!, state: 'paused', positionMs: position, changedAt: now };
    case 'resume':
      if (state !== 'paused') throw conflict('Only a paused event can be resumed');
      return { ...current!, state: 'live', positionMs: position, changedAt: now };
    case 'jump': {
      if (state === 'ended') throw conflict('The event has ended: its clock no longer moves');
      if (state === 'scheduled') throw conflict('Start the event before jumping to a time');
      const length = current!.lengthMs;
      if (length !== null && control.to > length) throw new AppError('INVALID', 'That time is past the end of the event');
      return { ...current!, positionMs: control.to, changedAt: now };
    }
    case 'end':
      if (state !== 'live' && state !== 'paused') throw conflict(state === 'ended' ? 'The event has already ended' : 'The event has not started');
      return { ...current!, state: 'ended', positionMs: position, changedAt: now };
  }
}
