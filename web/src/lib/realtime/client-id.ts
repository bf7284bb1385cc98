/**
 * Idempotency key for one comment. Made once per comment and reused on every
 * retry, so the server stores a resent comment only once.
 * crypto.randomUUID exists only in secure contexts; a board opened over plain
 * http on a LAN address falls back to getRandomValues (available everywhere).
 */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
