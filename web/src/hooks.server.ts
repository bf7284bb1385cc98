/**
 * Errors while rendering a page or answering a page request. A request the
 * board refuses (no such page, a POST to a page that takes none) is the
 * client's doing: one log line with its code, no stack trace, so probes and
 * bots cannot flood the log. Anything else is ours and is logged in full.
 */
import type { HandleServerError } from '@sveltejs/kit';
import type { ErrorCode } from '@board/shared';

const CODES: Record<number, ErrorCode> = { 400: 'INVALID', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'INVALID' };

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  const where = `${event.request.method} ${event.url.pathname}`;
  if (status < 500) {
    console.warn(`page request refused: ${where} → ${status} ${CODES[status] ?? 'INVALID'}: ${message}`);
    return { message };
  }
  console.error(`page request failed: ${where} → ${status} INTERNAL`, error);
  return { message: 'Something went wrong on our side.' };
};
