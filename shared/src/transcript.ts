/**
 * Transcripts (ADR 20): a facilitator downloads the discussion as Markdown or
 * JSON. The socket hands out a short-lived download link (`post:transcript`);
 * the file itself streams over HTTP from GET /api/posts/:id/transcript.
 */
import { z } from 'zod';
import { Id } from './schemas.js';

export const TranscriptFormat = z.enum(['md', 'json']);
export type TranscriptFormat = z.infer<typeof TranscriptFormat>;

export const TranscriptRequest = z.object({ postId: Id, format: TranscriptFormat });
export type TranscriptRequest = z.input<typeof TranscriptRequest>;

/** A download link: same origin, valid for a minute, for this person and post only. */
export interface TranscriptLink {
  url: string;
}
