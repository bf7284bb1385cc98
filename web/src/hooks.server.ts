/**
 * Errors while rendering a page or answering a page request. A request the
 * board refuses (no such page, a POST to a page that takes none) is the
 * client's doing: one log line with its code, no stack trace, so probes and
 * bots cannot flood the log. Anything else is ours and is logged in full.
 */
import type { Handle, HandleServerError } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { EmbedTheme, parseOrigins, type ErrorCode } from '@board/shared';

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

/**
 * Every page refuses to be framed (kit.csp frame-ancestors 'none', and the
 * service's X-Frame-Options) except /embed/ pages, which the sites in
 * EMBED_ORIGINS may frame. The theme a host asked for is in the first HTML
 * byte, so a dark host page never flashes a light frame.
 */
const embedFraming: Handle = async ({ event, resolve }) => {
  if (!event.url.pathname.startsWith('/embed/')) return resolve(event);
  const theme = EmbedTheme.safeParse(event.url.searchParams.get('theme'));
  const response = await resolve(event, {
    transformPageChunk: ({ html }) =>
      theme.success && theme.data !== 'auto' ? html.replace('<html lang="en">', `<html lang="en" data-theme="${theme.data}">`) : html,
  });
  const csp = response.headers.get('content-security-policy');
  const allowed = parseOrigins(env.EMBED_ORIGINS);
  // A bad EMBED_ORIGINS stops the service at start-up; should one get here anyway, framing stays refused.
  const ancestors = allowed.ok && allowed.origins.length > 0 ? allowed.origins.join(' ') : "'none'";
  if (csp) response.headers.set('content-security-policy', csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`));
  return response;
};

export const handle = embedFraming;
