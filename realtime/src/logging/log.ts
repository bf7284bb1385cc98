/**
 * Structured logs: one JSON line per entry on stdout (pino), at LOG_LEVEL.
 * `pnpm dev` pipes them through pino-pretty; production keeps JSON for the
 * log shipper. Every line of a node carries its `nodeId`; a connection's lines
 * add `socketId` and `userId`, a request's `event` and `postId`. Tokens, cookies
 * and comment bodies are never logged (and redacted if a field ever holds one).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type LogFields = Record<string, unknown>;

export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  /** `err` is an Error (logged with its stack), a reason string, or anything else worth printing. */
  error(message: string, err?: unknown): void;
  /** A logger whose lines also carry `bindings`. */
  child(bindings: LogFields): Log;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names that may hold a secret or a person's text; never printed. */
const REDACT = ['token', 'body', 'secret', 'authorization', 'cookie', '*.token', '*.body', '*.secret', '*.authorization', '*.cookie'];

/** A logger writing JSON lines at `level` to stdout (or to `destination`, in tests). */
export function createLog(level: LogLevel = 'info', bindings: LogFields = {}, destination?: DestinationStream): Log {
  const options = {
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  return wrap(destination ? pino(options, destination) : pino(options));
}

/** Redis being away is an expected state with lines of its own (store/index.ts): one line without a stack says enough. */
export function isStorageDown(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : '';
  return /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|MaxRetriesPerRequest|enableOfflineQueue|LOADING/i.test(
    msg,
  );
}

function errorFields(err: unknown): LogFields {
  if (err === undefined) return {};
  if (err instanceof Error) return isStorageDown(err) ? { reason: err.message } : { err };
  if (typeof err === 'string') return { reason: err };
  return { err };
}

function wrap(logger: Logger): Log {
  return {
    debug: (m, f) => (f ? logger.debug(f, m) : logger.debug(m)),
    info: (m, f) => (f ? logger.info(f, m) : logger.info(m)),
    warn: (m, f) => (f ? logger.warn(f, m) : logger.warn(m)),
    error: (m, e) => logger.error(errorFields(e), m),
    child: (bindings) => wrap(logger.child(bindings)),
  };
}

/**
 * A child made on its first use: a connection or a request gets its own
 * bindings without paying for a child logger unless it logs (most never do).
 */
export function lazyChild(parent: Log, bindings: () => LogFields): Log {
  let made: Log | null = null;
  const get = () => (made ??= parent.child(bindings()));
  return {
    debug: (m, f) => get().debug(m, f),
    info: (m, f) => get().info(m, f),
    warn: (m, f) => get().warn(m, f),
    error: (m, e) => get().error(m, e),
    child: (b) => lazyChild(get(), () => b),
  };
}

export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLog,
};
