/**
 * Errors while rendering a page or answering a page request. A request the
 * board refuses (no such page, a POST to a page that takes none) is the
 * client's doing: one log line with its code, no stack trace, so probes and
 * bots cannot flood the log. Anything else is ours and is logged in full.
 */
import type { HandleServerError } from '@sveltejs/kit';
import type { ErrorCode } from '@board/shared';
import { env } from '$env/dynamic/private';
import { createPageCache } from '$lib/server/page-cache';

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

// The service sets these from its validated config (realtime/src/config.ts, PAGE_CACHE_*) before it
// loads this app; absent (vite dev, a bare adapter-node start) they mean no cache. Read per request:
// $env is filled in when the server starts, after this module may have been imported.
export const handle = createPageCache(() => ({
  ttlMs: Number(env.PAGE_CACHE_MS ?? 0) || 0,
  maxEntries: Number(env.PAGE_CACHE_ENTRIES ?? 0) || 0,
}));
