/**
 * zod is the source of truth for every shape that crosses a boundary
 * (socket event, HTTP body, stored record). Types come from z.infer.
 */
import { z } from 'zod';
import { LIMITS } from './protocol.js';
import { EventClock } from './event-clock.js';
import { Moment } from './moments.js';

/** Server-made ids and client-made idempotency keys: short, URL-safe. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a valid id');
export const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Not a valid client id');

/** Line endings normalised, control characters other than newline and tab dropped, ends trimmed. */
const cleanText = (s: string) =>
  s
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .trim();

export const CommentBody = z
  .string({ error: 'A comment needs some text' })
  .max(LIMITS.commentMax * 2, `Comments are limited to ${LIMITS.commentMax.toLocaleString('en-US')} characters`)
  .transform(cleanText)
  .pipe(
    z
      .string()
      .min(1, 'Write something before posting')
      .max(LIMITS.commentMax, `Comments are limited to ${LIMITS.commentMax.toLocaleString('en-US')} characters`),
  );

/** Direction overrides and isolates, and marks that only steer direction: they can make a name read backwards. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Zero-width characters that draw nothing (joiners U+200C/U+200D stay: scripts and emoji need them). */
const ZERO_WIDTH = /[\u180E\u200B\u2060-\u2064\uFEFF]/g;
/**
 * More combining marks than this on one character draw over the lines around
 * it; three still covers scripts that stack a vowel and a tone or cantillation mark.
 */
export const MAX_MARKS_PER_CHAR = 3;
const EXCESS_MARKS = new RegExp(`(\\p{M}{${MAX_MARKS_PER_CHAR}})\\p{M}+`, 'gu');
/** Keeps at most MAX_MARKS_PER_CHAR combining marks on each character (names when parsed; comment bodies when shown). */
export const clipMarks = (s: string): string => s.replace(EXCESS_MARKS, '$1');
/** Letters that render as blank space (Hangul fillers, the blank braille cell). */
const BLANK_LETTERS = /[\u115F\u1160\u3164\uFFA0\u2800]/g;
const hasVisible = (s: string) => /[\p{L}\p{N}\p{P}\p{S}]/u.test(s.replace(BLANK_LETTERS, ''));

export const DisplayName = z
  .string({ error: 'A name is needed' })
  .max(LIMITS.nameMax * 4)
  .transform((s) =>
    cleanText(s.normalize('NFC').replace(BIDI_CONTROLS, '').replace(ZERO_WIDTH, ''))
      .replace(EXCESS_MARKS, '$1')
      .replace(/\s+/g, ' '),
  )
  .pipe(
    z
      .string()
      .min(1, 'Choose a name to show beside your comments')
      .max(LIMITS.nameMax, `Names are limited to ${LIMITS.nameMax} characters`)
      .refine(hasVisible, 'Choose a name people can see'),
  );

/**
 * What two names are compared by, so "Hana", "ＨＡＮＡ" and "Hána" count as one
 * (a participant may not take a facilitator's name on their post).
 */
export const nameKey = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}\s]/gu, '')
    .toLowerCase();

export const REACTION_KINDS = ['like', 'love', 'laugh', 'wow'] as const;
export const ReactionKind = z.enum(REACTION_KINDS);
export type ReactionKind = z.infer<typeof ReactionKind>;

/** Count per reaction kind; every kind is always present and never negative. */
export const ReactionCounts = z.object({
  like: z.number().int().nonnegative(),
  love: z.number().int().nonnegative(),
  laugh: z.number().int().nonnegative(),
  wow: z.number().int().nonnegative(),
});
export type ReactionCounts = z.infer<typeof ReactionCounts>;
export const emptyCounts = (): ReactionCounts => ({ like: 0, love: 0, laugh: 0, wow: 0 });

export const Author = z.object({
  id: Id,
  name: z.string(),
  /** Signed in through a host (single sign-on): the host's name, shown as "verified by <host>". Absent for guests. */
  verifiedBy: z.string().optional(),
  /** The host's avatar for them (https only, shared/src/identity.ts PictureUrl). */
  picture: z.string().optional(),
});
export type Author = z.infer<typeof Author>;

export const Comment = z.object({
  id: Id,
  postId: Id,
  /** null for a top-level comment; replies name the comment they answer. */
  parentId: Id.nullable(),
  /**
   * The thread's first comment: null for a top-level comment, else the top-level
   * comment the reply chain starts from. Set by the store; it lets a viewer who
   * has only a page of the discussion place a live reply (or know it is not loaded).
   */
  rootId: Id.nullable().default(null),
  author: Author,
  body: z.string(),
  /** Milliseconds since the epoch, server clock. */
  createdAt: z.number().int(),
  /** The post's sequence number at which this comment was stored. */
  seq: z.number().int().positive(),
  reactions: ReactionCounts,
  /** Written by a facilitator of the post: shown with a badge. */
  byFacilitator: z.boolean().default(false),
  /**
   * Hidden by a facilitator. Participants other than the author receive an
   * empty body; the author and facilitators still see the text.
   */
  hidden: z.boolean().default(false),
  /** Deleted by a facilitator: the text is gone for good; kept as a tombstone so replies stay in place. */
  deleted: z.boolean().default(false),
  /** When its author last edited it (ms since the epoch, server clock); absent when never edited: shown as "edited". */
  editedAt: z.number().int().optional(),
  /**
   * The idempotency key the author's client sent, so that client can match a
   * broadcast or replayed copy to its pending one. Harmless to others: keys are
   * scoped to their author.
   */
  clientId: z.string().optional(),
  /**
   * Event time (ms) at which the server accepted the comment; null when the
   * post's event was not live or paused then. Never taken from a client.
   */
  moment: z.number().int().nonnegative().nullable().default(null),
  /**
   * Written while watching later (replay): stamped with the writer's replay
   * playhead, bounded by the server to the event's length. Absent otherwise.
   */
  replayed: z.literal(true).optional(),
});
export type Comment = z.infer<typeof Comment>;

export const PostSummary = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  createdAt: z.number().int(),
  commentCount: z.number().int().nonnegative(),
  /** People with the post open right now, across all nodes. */
  viewers: z.number().int().nonnegative(),
  /** When the watch-along starts, ms since the epoch; null when not scheduled. */
  scheduledAt: z.number().int().nullable().default(null),
  /** The watch-along's event clock; null until a facilitator starts one (event-clock.ts). */
  clock: EventClock.nullable().default(null),
});
export type PostSummary = z.infer<typeof PostSummary>;

export const PostSettings = z.object({
  /** No new comments or reactions from participants. */
  locked: z.boolean(),
  /** One comment per this many seconds per participant; 0 is off. */
  slowModeSeconds: z.number().int().min(0).max(LIMITS.slowModeMaxSeconds),
});
export type PostSettings = z.infer<typeof PostSettings>;

export const Post = PostSummary.extend({
  body: z.string(),
  locked: z.boolean().default(false),
  slowModeSeconds: z.number().int().nonnegative().default(0),
  /** Pinned comment ids, in pin order. */
  pinned: z.array(Id).default([]),
  /** Facilitator-marked moments of the event, in time order (moments.ts). */
  moments: z.array(Moment).default([]),
});
export type Post = z.infer<typeof Post>;

/** facilitator: may moderate; participant: may comment and react; removed: banned from this post. */
export const Role = z.enum(['facilitator', 'participant', 'removed']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: Id,
  name: z.string().nullable(),
  /** Signed in through a host: its name ("verified by <host>"); absent for guests. */
  verifiedBy: z.string().optional(),
  /** The host's avatar for them, https only. */
  picture: z.string().optional(),
});
export type User = z.infer<typeof User>;

export const NewPostInput = z.object({
  title: z.string().trim().min(1, 'A discussion needs a title').max(LIMITS.postTitleMax, `Titles are limited to ${LIMITS.postTitleMax} characters`),
  description: z.string().trim().max(LIMITS.postDescriptionMax, `Descriptions are limited to ${LIMITS.postDescriptionMax.toLocaleString('en-US')} characters`).default(''),
  body: z.string().trim().max(LIMITS.postDescriptionMax * 5).default(''),
  /** Optional start time, ms since the epoch. */
  scheduledAt: z.number().int().positive().nullable().default(null),
});
export type NewPostInput = z.infer<typeof NewPostInput>;
