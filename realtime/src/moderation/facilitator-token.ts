/**
 * The facilitator link's secret: 192 random bits, shown once to the creator.
 * Only its SHA-256 is stored; a claim is checked by comparing hashes in
 * constant time, so neither the store nor the timing gives the secret away.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newFacilitatorToken = (): string => randomBytes(24).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function tokenMatches(token: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
