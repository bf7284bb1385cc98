/**
 * The comment tools people expect (issue 27): edit or delete your own comment,
 * report someone else's. Requests are parsed here like every other boundary;
 * the event maps in events.ts name them.
 */
import { z } from 'zod';
import { CommentBody, Id } from './schemas.js';

/** EDIT_WINDOW_MS's default (10 min): the page offers Edit this long; the server's setting decides. */
export const EDIT_WINDOW_DEFAULT_MS = 600_000;

/** Why a comment is reported: a short, closed list (the queue counts each). */
export const REPORT_REASONS = ['spam', 'harassment', 'hate', 'spoiler', 'off-topic', 'other'] as const;
export const ReportReason = z.enum(REPORT_REASONS, { error: 'Choose a reason from the list' });
export type ReportReason = z.infer<typeof ReportReason>;

/** Words for each reason, the same in the report dialog and the facilitators' queue. */
export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  spam: 'Spam or advertising',
  harassment: 'Harassment or bullying',
  hate: 'Hateful content',
  spoiler: 'Spoiler',
  'off-topic': 'Off-topic or disruptive',
  other: 'Something else',
};

/** The author's own edit: the same body rules as a new comment (CommentBody). */
export const EditCommentRequest = z.object({ postId: Id, commentId: Id, body: CommentBody });
export type EditCommentRequest = z.input<typeof EditCommentRequest>;

/** The author deletes their own comment: a tombstone, as a facilitator's delete. */
export const DeleteOwnCommentRequest = z.object({ postId: Id, commentId: Id });

export const ReportCommentRequest = z.object({ postId: Id, commentId: Id, reason: ReportReason });
export type ReportCommentRequest = z.input<typeof ReportCommentRequest>;

export const ReportQueueRequest = z.object({ postId: Id });

export const REPORT_DECISIONS = ['dismiss', 'confirm'] as const;
/** dismiss: the comment is fine (shown again if reports hid it); confirm: it stays hidden. Either way it leaves the queue. */
export const ResolveReportRequest = z.object({ postId: Id, commentId: Id, decision: z.enum(REPORT_DECISIONS) });
export type ResolveReportRequest = z.input<typeof ResolveReportRequest>;
export type ReportDecision = (typeof REPORT_DECISIONS)[number];

/** What an edit stored: the new text and when (ms since the epoch, server clock). */
export interface EditedComment {
  commentId: string;
  body: string;
  editedAt: number;
}

/** The answer to a report. `counted`: false when this person had reported it already, or a facilitator already reviewed it. */
export interface ReportAck {
  counted: boolean;
}

/** One row of the facilitators' report queue. */
export const ReportEntry = z.object({
  commentId: Id,
  /** Distinct people who reported it. */
  count: z.number().int().nonnegative(),
  /** Reports per reason (reasons nobody gave are left out). */
  reasons: z.partialRecord(ReportReason, z.number().int().positive()),
  /** Last report, ms since the epoch. */
  lastAt: z.number().int(),
  /** Hidden now (by reports reaching the threshold, or by a facilitator). */
  hidden: z.boolean(),
  authorName: z.string(),
  /** The reported text (facilitators only read the queue). */
  body: z.string(),
  /** open: waits for review; dismissed / confirmed: a facilitator decided, it left the queue; gone: deleted. */
  status: z.enum(['open', 'dismissed', 'confirmed', 'gone']),
});
export type ReportEntry = z.infer<typeof ReportEntry>;
