/**
 * Every failure a client can see. Acks and JSON error bodies carry one of these
 * codes plus a human message; clients branch on the code, never on the text.
 */
export const ERROR_CODES = {
  /** The payload failed its zod schema: missing field, wrong type, too long, empty. */
  INVALID: 'INVALID',
  /** The post, parent comment or comment named in the request does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The handshake carried another PROTOCOL_VERSION than the server speaks. */
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  /** No valid session: the signed token is missing, forged or expired. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The session has no display name yet, and the action needs one (reacting): ask for a name, then retry. */
  NAME_REQUIRED: 'NAME_REQUIRED',
  /** The session is valid but the action is not allowed for it (e.g. facilitator-only). */
  FORBIDDEN: 'FORBIDDEN',
  /** Too many requests from this identity or address; retry after `retryAfterMs`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The discussion is locked by a facilitator: no new comments or reactions. */
  LOCKED: 'LOCKED',
  /** The request does not fit the current state (Start on a live event, Jump on an ended one); nothing changed. */
  CONFLICT: 'CONFLICT',
  /** An edit came after the edit window (EDIT_WINDOW_MS after the comment was written); nothing changed. */
  EDIT_WINDOW_CLOSED: 'EDIT_WINDOW_CLOSED',
  /** Storage is unreachable; nothing was stored, the client may retry. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A bug on our side; nothing was stored. */
  INTERNAL: 'INTERNAL',
  // Signed identities (`session:sso`, realtime/src/sso/): why a host's token was refused.
  /** The host's token is past its `exp`, or was issued longer ago than SSO_TOKEN_MAX_AGE_S. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** The host's token has an `nbf` (or `iat`) in the future. */
  TOKEN_NOT_YET_VALID: 'TOKEN_NOT_YET_VALID',
  /** The host's token names another audience than the host's configured one. */
  TOKEN_WRONG_AUDIENCE: 'TOKEN_WRONG_AUDIENCE',
  /** The host's token uses another algorithm than the host's key (`none`, HS256 for an RS256 host…). */
  TOKEN_WRONG_ALGORITHM: 'TOKEN_WRONG_ALGORITHM',
  /** The host's token's signature does not verify with the host's key. */
  TOKEN_BAD_SIGNATURE: 'TOKEN_BAD_SIGNATURE',
  /** The host's token names (`iss`) no host this board knows. */
  TOKEN_UNKNOWN_HOST: 'TOKEN_UNKNOWN_HOST',
  /** The host's token is not a JWT, or lacks or mistypes a claim (sub, name, picture, role). */
  TOKEN_MALFORMED: 'TOKEN_MALFORMED',
  /** The discussion lets only people signed in through a host comment (or react) here; guests can read. */
  VERIFIED_REQUIRED: 'VERIFIED_REQUIRED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface AppErrorBody {
  code: ErrorCode;
  message: string;
  /** Only with RATE_LIMITED: milliseconds until a retry can succeed. */
  retryAfterMs?: number;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorBody };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });

export const fail = (code: ErrorCode, message: string, extra?: { retryAfterMs?: number }): Result<never> => ({
  ok: false,
  error: { code, message, ...extra },
});

/** Thrown inside the service when a request must fail with a typed code. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): AppErrorBody {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}
