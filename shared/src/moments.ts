/**
 * Moments: points of the event a facilitator marks ("Goal!", "Act 2") at the
 * current event time or a typed one. The post keeps the whole list, ordered by
 * time; every change is an ordered post event carrying the new list, so a
 * late or reconnecting viewer gets the same chapters from snapshot or replay.
 */
import { z } from 'zod';
import { CLOCK_MAX_MS } from './event-clock.js';

/** Characters in a moment's label, after trimming. */
export const MOMENT_LABEL_MAX = 80;

/** One line, control and direction characters dropped, runs of white space as one space. */
export const MomentLabel = z
  .string({ error: 'A moment needs a label' })
  .max(MOMENT_LABEL_MAX * 4)
  .transform((s) =>
    s
      .normalize('NFC')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  )
  .pipe(
    z
      .string()
      .min(1, 'Give the moment a label, e.g. "Goal!"')
      .max(MOMENT_LABEL_MAX, `Moment labels are limited to ${MOMENT_LABEL_MAX} characters`),
  );

export const Moment = z.object({
  /** Server-made id. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Event time of the moment, ms from the event's start. */
  atMs: z.number().int().nonnegative().max(CLOCK_MAX_MS),
  label: z.string(),
});
export type Moment = z.infer<typeof Moment>;

/** Moments in the order everyone lists them: by time, then by id (the older mark first). */
export const sortMoments = (moments: Moment[]): Moment[] =>
  moments.sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
