/**
 * Guest sessions as signed tokens: base64url(JSON payload) + "." + HMAC-SHA256.
 * No server-side session table is needed, so any node can verify any token.
 *
 * A token names the person, when their session began (for budgets on new
 * sessions) and when it was issued. It is re-issued on every connection
 * (sliding renewal), so only a session unused for `ttlMs` expires.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DisplayName, Id, type User } from '@board/shared';

const Payload = z.object({
  /** user id */
  u: Id,
  /** display name, null until the person chooses one */
  n: z.string().max(200).nullable(),
  /** issued at, ms since epoch */
  t: z.number().int(),
  /** session began, ms since epoch (absent in tokens issued before it was added: then t) */
  c: z.number().int().optional(),
  /** Signed in through this SSO host (its id, realtime/src/sso/); absent for guests. */
  h: z.string().max(64).optional(),
  /** The host's avatar for them (https). */
  p: z.string().max(500).optional(),
  /** 1: the host signed them as a facilitator of its events. */
  f: z.literal(1).optional(),
});

/** Only what sign() writes: base64url, one dot, a 32-byte MAC in canonical base64url (43 characters). */
// 1,500: a verified session carries its host and a picture URL (at most 500 characters) too.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,1500}\.[A-Za-z0-9_-]{43}$/;

export interface Session {
  user: User;
  /** When this identity was first minted, ms since epoch. */
  since: number;
  /** Signed in through a host (SSO): which one, and whether it made them a facilitator of its events. */
  sso?: SsoSession;
}

export interface SsoSession {
  host: string;
  facilitator: boolean;
}

/** The display name of a configured SSO host; undefined when the board no longer knows it. */
export type HostName = (hostId: string) => string | undefined;

export interface SessionSigner {
  sign(session: Session): string;
  /**
   * The session a token names; 'expired' when it was issued more than the
   * lifetime ago; null if it is malformed or its signature is wrong.
   */
  verify(token: string | undefined): Session | 'expired' | null;
  mint(): Session;
}

export function createSessionSigner(secret: string, ttlMs: number, now: () => number = Date.now, hostName: HostName = () => undefined): SessionSigner {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');

  return {
    sign({ user, since, sso }) {
      const fields: z.input<typeof Payload> = { u: user.id, n: user.name, t: now(), c: since };
      if (sso) Object.assign(fields, { h: sso.host, p: user.picture, f: sso.facilitator ? 1 : undefined });
      const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
      return `${body}.${mac(body)}`;
    },

    verify(token) {
      // Strict: exactly the shape sign() makes, so nothing appended or re-encoded verifies.
      if (!token || !TOKEN_SHAPE.test(token)) return null;
      const [body, given] = token.split('.') as [string, string];
      const expected = mac(body);
      // Constant-time compare of the canonical text, so the signature cannot be guessed byte by byte.
      if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
      const decoded = Buffer.from(body, 'base64url');
      if (decoded.toString('base64url') !== body) return null;
      let payload;
      try {
        payload = Payload.safeParse(JSON.parse(decoded.toString('utf8')));
      } catch {
        return null;
      }
      if (!payload.success) return null;
      const { u, n, t, c, h, p, f } = payload.data;
      if (now() - t > ttlMs) return 'expired';
      if (h !== undefined) {
        // A host the board no longer trusts (removed from SSO_HOSTS): a fresh guest instead.
        const verifiedBy = hostName(h);
        if (verifiedBy === undefined || n === null) return null;
        const user = { id: u, name: n, verifiedBy, ...(p ? { picture: p } : {}) };
        return { user, since: c ?? t, sso: { host: h, facilitator: f === 1 } };
      }
      // A name signed under older rules that today's would refuse is asked for again.
      const name = n === null ? null : DisplayName.safeParse(n);
      return { user: { id: u, name: name?.success ? name.data : null }, since: c ?? t };
    },

    mint() {
      return { user: { id: `u${randomBytes(9).toString('base64url')}`, name: null }, since: now() };
    },
  };
}
