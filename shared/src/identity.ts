/**
 * Signed identities (single sign-on) and embedding: what crosses the wire for
 * a host's signed token, a post's identity policy, and the origins allowed to
 * frame the embed. The server side lives in realtime/src/sso/.
 */
import { z } from 'zod';
import { Id } from './schemas.js';

/** A host's signed token (a compact JWT) to exchange for a board session: `session:sso`. */
export const SsoExchangeRequest = z.object({
  /** Compact JWS; 8 KB is far above a token with a name and a picture URL. */
  token: z.string().min(1).max(8_000),
});
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequest>;

/**
 * An avatar a host gives for its user: https only (no http mixed content, no
 * data: or javascript:), no credentials in it, at most 500 characters (it rides in the session token).
 */
export const PictureUrl = z
  .string()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'A picture must be an https URL');

/**
 * Per post: who may comment and react. Guests can always read. Facilitators are
 * never held back. `host`: the SSO host whose signed facilitators facilitate
 * this event (a token with role 'facilitator' from it makes its holder one).
 */
export const IdentityPolicy = z.object({
  verifiedToComment: z.boolean(),
  verifiedToReact: z.boolean(),
  host: Id.nullable(),
});
export type IdentityPolicy = z.infer<typeof IdentityPolicy>;
export const openPolicy = (): IdentityPolicy => ({ verifiedToComment: false, verifiedToReact: false, host: null });

/** A facilitator's change to the policy (`mod:identity`): only the fields given change. */
export const IdentityPolicyRequest = z
  .object({
    postId: Id,
    verifiedToComment: z.boolean().optional(),
    verifiedToReact: z.boolean().optional(),
    host: Id.nullable().optional(),
  })
  .refine((r) => r.verifiedToComment !== undefined || r.verifiedToReact !== undefined || r.host !== undefined, 'Nothing to change');
export type IdentityPolicyRequest = z.input<typeof IdentityPolicyRequest>;
export type IdentityPolicyPatch = Partial<IdentityPolicy>;

/** A post's policy (`post:identity`), readable by anyone on the post. */
export const IdentityPolicyRead = z.object({ postId: Id });

/** What an embed says about itself to the page it is in (and back): postMessage `type`s. */
export const EMBED_MESSAGES = {
  /** iframe → host: the content's height in CSS px. */
  resize: 'board:resize',
  /** iframe → host: ready for a token (the host answers with `sso`). */
  ready: 'board:ready',
  /** host → iframe: a signed token for the host's logged-in user. */
  sso: 'board:sso',
  /** host → iframe: theme and accent changed. */
  theme: 'board:theme',
} as const;

export const EMBED_THEMES = ['light', 'dark', 'auto'] as const;
export const EmbedTheme = z.enum(EMBED_THEMES);
export type EmbedTheme = z.infer<typeof EmbedTheme>;
/** An accent colour from a host: #rgb or #rrggbb only, so it cannot carry CSS. */
export const EmbedAccent = z.string().regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/, 'An accent is #rgb or #rrggbb');

/**
 * EMBED_ORIGINS: the origins allowed to frame /embed/ pages, comma separated,
 * each scheme://host[:port] with nothing after it. Returns the list, or the
 * first bad entry as an error (it would be written into a CSP header).
 */
export function parseOrigins(value: string | undefined): { ok: true; origins: string[] } | { ok: false; bad: string } {
  const origins: string[] = [];
  for (const raw of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, bad: raw };
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== raw.replace(/\/$/, '')) return { ok: false, bad: raw };
    origins.push(url.origin);
  }
  return { ok: true, origins };
}
