/**
 * Guest sessions as signed tokens: base64url(JSON payload) + "." + HMAC-SHA256.
 * No server-side session table is needed, so any node can verify any token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Id, type User } from '@board/shared';

const Payload = z.object({
  /** user id */
  u: Id,
  /** display name, null until the person chooses one */
  n: z.string().max(200).nullable(),
  /** issued at, ms since epoch */
  t: z.number().int(),
});

export interface SessionSigner {
  sign(user: User): string;
  /** The user a token names, or null if it is malformed or its signature is wrong. */
  verify(token: string | undefined): User | null;
  mint(): User;
}

export function createSessionSigner(secret: string): SessionSigner {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest();

  return {
    sign(user) {
      const body = Buffer.from(JSON.stringify({ u: user.id, n: user.name, t: Date.now() })).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },

    verify(token) {
      if (!token) return null;
      const dot = token.indexOf('.');
      if (dot <= 0) return null;
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = mac(body);
      // Constant-time compare so the signature cannot be guessed byte by byte.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const payload = Payload.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
        return payload.success ? { id: payload.data.u, name: payload.data.n } : null;
      } catch {
        return null;
      }
    },

    mint() {
      return { id: `u${randomBytes(9).toString('base64url')}`, name: null };
    },
  };
}
