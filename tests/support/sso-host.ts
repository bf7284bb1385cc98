/**
 * A site that signs its users in on the board (single sign-on), as tests need
 * it: its keys, the SSO_HOSTS entry the board is given, and tokens signed as
 * the site would sign them (or as an attacker would: see the integration test).
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

export const HS_SECRET = 'fanzine-shared-secret-for-tests-0123456789';
export const AUDIENCE = 'watch-along-board';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const RSA_PUBLIC_PEM = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const keys = { rsaPrivate: rsa.privateKey, ecPrivate: ec.privateKey };

/** Three hosts: HS256 ("fanzine"), RS256 with a PEM ("club"), ES256 with a JWK ("stream"). */
export const SSO_HOSTS = JSON.stringify([
  { id: 'fanzine', name: 'Fanzine', audience: AUDIENCE, secret: HS_SECRET },
  { id: 'club', name: 'Film Club', audience: AUDIENCE, alg: 'RS256', publicKey: RSA_PUBLIC_PEM },
  { id: 'stream', name: 'Streamer', audience: AUDIENCE, alg: 'ES256', publicKey: ec.publicKey.export({ format: 'jwk' }) },
]);

export interface SignOptions {
  iss?: string;
  aud?: string;
  alg?: 'HS256' | 'RS256' | 'ES256';
  /** Seconds from now. */
  expIn?: number;
  /** Seconds from now (negative: in the past). */
  iatIn?: number;
  nbfIn?: number;
  /** Sign with this instead of the host's key. */
  key?: Uint8Array | Parameters<SignJWT['sign']>[0];
  claims?: JWTPayload;
}

/** A token as the host `iss` signs it for its user (sub, name, optional picture and role in `claims`). */
export async function hostToken(opts: SignOptions = {}): Promise<string> {
  const iss = opts.iss ?? 'fanzine';
  const alg = opts.alg ?? (iss === 'club' ? 'RS256' : iss === 'stream' ? 'ES256' : 'HS256');
  const now = Math.floor(Date.now() / 1_000);
  const jwt = new SignJWT({ sub: 'reader-42', name: 'Rita Reader', ...opts.claims })
    .setProtectedHeader({ alg })
    .setIssuer(iss)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt(now + (opts.iatIn ?? 0))
    .setExpirationTime(now + (opts.expIn ?? 300));
  if (opts.nbfIn !== undefined) jwt.setNotBefore(now + opts.nbfIn);
  const key = opts.key ?? (alg === 'HS256' ? new TextEncoder().encode(HS_SECRET) : alg === 'RS256' ? keys.rsaPrivate : keys.ecPrivate);
  return jwt.sign(key);
}
