/**
 * Download tickets: a link that downloads a transcript straight to disk (the
 * browser's download manager streams it; no script holds the file) cannot carry
 * an Authorization header, and a session token must never sit in a URL. So the
 * socket gives a facilitator a ticket: HMAC-SHA256 over (purpose, post, person,
 * expiry) with the service's secret, good for `ttlMs` and this post only. The
 * route still checks the role when the download starts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Domain separation: a ticket's MAC can never be a session token's. */
const PURPOSE = 'transcript-download\n';
const SHAPE = /^([A-Za-z0-9_-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

export interface TicketSigner {
  /** A ticket for `userId` to download `postId`'s transcript until now + ttl. */
  sign(postId: string, userId: string): string;
  /** The person a ticket was given to, if it is genuine, for this post and not expired; else null. */
  verify(ticket: string | undefined, postId: string): string | null;
}

export function createTicketSigner(secret: string, ttlMs: number, now: () => number = Date.now): TicketSigner {
  const mac = (postId: string, userId: string, expires: string) =>
    createHmac('sha256', secret).update(`${PURPOSE}${postId}\n${userId}\n${expires}`).digest('base64url');
  return {
    sign(postId, userId) {
      const expires = String(now() + ttlMs);
      return `${userId}.${expires}.${mac(postId, userId, expires)}`;
    },
    verify(ticket, postId) {
      const m = ticket ? SHAPE.exec(ticket) : null;
      if (!m) return null;
      const [, userId, expires, given] = m as unknown as [string, string, string, string];
      if (!timingSafeEqual(Buffer.from(given), Buffer.from(mac(postId, userId, expires)))) return null;
      return Number(expires) >= now() ? userId : null;
    },
  };
}
