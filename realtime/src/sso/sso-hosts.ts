/**
 * SSO_HOSTS: the sites whose logged-in users may sign in here with a token the
 * site signs. One JSON array in one variable (PEM keys keep their "\n"):
 *
 *   [{"id":"fanzine","name":"Fanzine","audience":"https://board.example","secret":"<≥ 32 chars>"},
 *    {"id":"club","name":"Film Club","audience":"board","alg":"RS256","publicKey":"-----BEGIN PUBLIC KEY-----\n…"}]
 *
 * `secret` means HS256; `publicKey` (SPKI PEM, or a JWK object) means `alg`
 * RS256 or ES256 (P-256). A token names its host in `iss` and the board in `aud`.
 * Keys are imported here, once, so a bad one stops start-up with its host's id.
 */
import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { Id } from '@board/shared';

export type SsoAlg = 'HS256' | 'RS256' | 'ES256';

export interface SsoHost {
  id: string;
  /** Shown as "verified by <name>". */
  name: string;
  audience: string;
  alg: SsoAlg;
  key: KeyObject;
}

const HostEntry = z
  .object({
    id: Id.refine((s) => s.length <= 32, 'A host id has at most 32 characters'),
    name: z.string().trim().min(1).max(40),
    audience: z.string().min(1).max(200),
    alg: z.enum(['HS256', 'RS256', 'ES256']).optional(),
    secret: z.string().min(32, 'An HS256 secret has at least 32 characters').optional(),
    publicKey: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  })
  .strict();

function importKey(entry: z.infer<typeof HostEntry>): { alg: SsoAlg; key: KeyObject } | string {
  if (entry.secret !== undefined && entry.publicKey !== undefined) return 'give either secret (HS256) or publicKey (RS256/ES256), not both';
  if (entry.secret !== undefined) {
    if (entry.alg !== undefined && entry.alg !== 'HS256') return `a secret is for HS256, not ${entry.alg}`;
    return { alg: 'HS256', key: createSecretKey(Buffer.from(entry.secret, 'utf8')) };
  }
  if (entry.publicKey === undefined) return 'needs a secret (HS256) or a publicKey (RS256/ES256)';
  if (entry.alg !== 'RS256' && entry.alg !== 'ES256') return 'a publicKey needs "alg": "RS256" or "ES256"';
  let key: KeyObject;
  try {
    key =
      typeof entry.publicKey === 'string'
        ? createPublicKey(entry.publicKey)
        : createPublicKey({ key: entry.publicKey as JsonWebKey, format: 'jwk' });
  } catch (err) {
    return `publicKey is not a PEM or JWK public key (${(err as Error).message})`;
  }
  if (entry.alg === 'RS256' && key.asymmetricKeyType !== 'rsa') return 'RS256 needs an RSA public key';
  if (entry.alg === 'ES256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    return 'ES256 needs a P-256 EC public key';
  }
  return { alg: entry.alg, key };
}

/** The env value (JSON text) as hosts; an unset or empty value is no hosts (guests only). */
export const SsoHostsSchema = z
  .string()
  .default('')
  .transform((text, ctx): SsoHost[] => {
    if (text.trim() === '') return [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'SSO_HOSTS must be a JSON array of hosts (see README, "Embed and single sign-on")' });
      return z.NEVER;
    }
    const entries = z.array(HostEntry).safeParse(json);
    if (!entries.success) {
      const issue = entries.error.issues[0]!;
      ctx.addIssue({ code: 'custom', message: `SSO_HOSTS[${issue.path.join('.')}]: ${issue.message}` });
      return z.NEVER;
    }
    const hosts: SsoHost[] = [];
    for (const entry of entries.data) {
      if (hosts.some((h) => h.id === entry.id)) {
        ctx.addIssue({ code: 'custom', message: `SSO_HOSTS: host "${entry.id}" is given twice` });
        return z.NEVER;
      }
      const key = importKey(entry);
      if (typeof key === 'string') {
        ctx.addIssue({ code: 'custom', message: `SSO_HOSTS host "${entry.id}": ${key}` });
        return z.NEVER;
      }
      hosts.push({ id: entry.id, name: entry.name, audience: entry.audience, ...key });
    }
    return hosts;
  });
