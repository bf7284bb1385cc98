import { clipMarks } from '@board/shared';

/**
 * How a comment body is laid out. Bodies are plain text: paragraphs are split
 * on blank lines and rendered as text nodes (never as HTML); single line breaks
 * inside a paragraph are kept by CSS (white-space: pre-wrap). Runs of combining
 * marks are clipped as shown (the stored text is kept): thousands on one letter
 * would draw over the comments around it and widen the page.
 */
export function paragraphs(body: string): string[] {
  return clipMarks(body)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Characters that fit on one line of the ~65ch comment column, a little pessimistic. */
const CHARS_PER_LINE = 70;
/** Longer than this, a comment starts collapsed. */
export const COLLAPSED_LINES = 6;

/**
 * A first guess, the same on the server and in the browser, so the server
 * render already collapses long comments; the browser then measures and
 * un-collapses a guess that was wrong.
 */
export function estimatedLines(body: string): number {
  return paragraphs(body).reduce(
    (lines, p) => lines + 1 + p.split('\n').reduce((n, line) => n + Math.ceil(Math.max(1, line.length) / CHARS_PER_LINE), 0),
    -1,
  );
}
