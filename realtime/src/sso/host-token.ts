/**
 * Turns a host's signed token into a verified identity, or says exactly why
 * not (TOKEN_* codes in shared/src/errors.ts). Order matters for clear answers
 * and for safety: the host is found by `iss` read from the unverified payload,
 * the header's `alg` must be that host's one alg (so `none`, and an HS256 token
 * "signed" with an RSA host's public key as its secret, stop here), and only
 * then does jose check the signature and the claims (exp, nbf, iat, aud, iss).
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { DisplayName, PictureUrl, type ErrorCode } from '@board/shared';
import type { SsoHost } from './sso-hosts.js';

/** The claims a host signs beside the registered ones. */
const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: DisplayName,
  picture: PictureUrl.optional(),
  role: z.literal('facilitator').optional(),
});

export interface VerifiedIdentity {
  host: SsoHost;
  /** Stable per (host, sub): the same person on every device, never a guest's id. */
  userId: string;
  name: string;
  picture?: string;
  facilitator: boolean;
}

export type TokenCheck = { ok: true; identity: VerifiedIdentity } | { ok: false; code: ErrorCode; message: string };

export interface HostTokenOptions {
  hosts: SsoHost[];
  /** SSO_TOKEN_MAX_AGE_S: a token issued (iat) longer ago than this is expired, whatever its exp. */
  maxAgeS: number;
  /** SSO_CLOCK_TOLERANCE_S: leeway for the host's clock on exp, nbf and iat. */
  clockToleranceS: number;
  now?: () => number;
}

const refuse = (code: ErrorCode, message: string): TokenCheck => ({ ok: false, code, message });

/** `v` + 22 base64url characters of SHA-256(host id, sub): fits Id, and a guest id (`u…`) can never equal it. */
export const verifiedUserId = (hostId: string, sub: string): string =>
  `v${createHash('sha256').update(`${hostId}\n${sub}`).digest('base64url').slice(0, 22)}`;

export function createHostTokenVerifier(opts: HostTokenOptions): (token: string) => Promise<TokenCheck> {
  const byId = new Map(opts.hosts.map((h) => [h.id, h]));
  const now = opts.now ?? Date.now;
  return async (token) => {
    let iss: unknown;
    let alg: unknown;
    try {
      iss = decodeJwt(token).iss;
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return refuse('TOKEN_MALFORMED', 'That sign-in token is not a JWT');
    }
    const host = typeof iss === 'string' ? byId.get(iss) : undefined;
    if (!host) return refuse('TOKEN_UNKNOWN_HOST', `This board does not accept sign-ins from ${typeof iss === 'string' ? `"${iss.slice(0, 64)}"` : 'a token without an issuer'}`);
    if (alg !== host.alg) return refuse('TOKEN_WRONG_ALGORITHM', `${host.name} signs with ${host.alg}; the token says ${String(alg).slice(0, 16)}`);
    let payload;
    try {
      ({ payload } = await jwtVerify(token, host.key, {
        algorithms: [host.alg],
        issuer: host.id,
        audience: host.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: opts.maxAgeS,
        clockTolerance: opts.clockToleranceS,
        currentDate: new Date(now()),
      }));
    } catch (err) {
      return refusalOf(err, host);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) {
      const issue = claims.error.issues[0]!;
      return refuse('TOKEN_MALFORMED', `The sign-in token's ${issue.path.join('.') || 'claims'}: ${issue.message}`);
    }
    const { sub, name, picture, role } = claims.data;
    return {
      ok: true,
      identity: { host, userId: verifiedUserId(host.id, sub), name, ...(picture ? { picture } : {}), facilitator: role === 'facilitator' },
    };
  };
}

function refusalOf(err: unknown, host: SsoHost): TokenCheck {
  if (err instanceof errors.JWTExpired) return refuse('TOKEN_EXPIRED', 'That sign-in has expired: sign in again');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || (err.claim === 'iat' && err.reason === 'check_failed')) {
      return refuse('TOKEN_NOT_YET_VALID', 'That sign-in is not valid yet (check the clock of the site that made it)');
    }
    if (err.claim === 'aud') return refuse('TOKEN_WRONG_AUDIENCE', `That sign-in from ${host.name} is meant for another site`);
    return refuse('TOKEN_MALFORMED', `The sign-in token's ${err.claim} claim: ${err.reason}`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return refuse('TOKEN_WRONG_ALGORITHM', `${host.name} signs with ${host.alg}`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return refuse('TOKEN_BAD_SIGNATURE', `That sign-in was not signed by ${host.name}`);
  return refuse('TOKEN_MALFORMED', 'That sign-in token could not be read');
}
