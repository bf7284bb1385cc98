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
