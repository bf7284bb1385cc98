/**
 * Socket event wiring shared by every capability. The wrapper guarantees:
 * the payload is parsed by its zod schema before the handler runs; the ack is
 * always a callable (a client may send none, or junk); every failure reaches the
 * ack once as a typed Result; nothing a client sends can throw out of a handler.
 */
import type { z } from 'zod';
import { AppError, fail, ok, parseOrThrow, type Result } from '@board/shared';
import type { BoardSocket } from './types.js';
import type { InFlight } from './in-flight.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { IdentityGuard } from '../limits/identity-guard.js';
import type { IdentityGate } from '../sso/identity-gate.js';
import { isStorageDown, lazyChild, type Log } from '../logging/log.js';
import type { Metrics } from '../metrics/metrics.js';

// Capabilities import the logger's type from here.
export { silentLog, type Log } from '../logging/log.js';

/** What every handler needs besides its capability's own dependencies. */
export interface HandlerContext {
  /** The connection's logger (its lines carry nodeId, socketId, userId). */
  log: Log;
  metrics: Metrics;
  /** Shutdown waits for the requests counted here. */
  inflight: InFlight;
  limits: RateLimits;
  /** Per-address checks that fresh guest sessions cannot reset. */
  guard: IdentityGuard;
  /** Who may comment and react per post (verified identities only?): sso/identity-gate.ts. */
  identity: IdentityGate;
}

/** Maps a thrown value to the Result a client sees; unexpected ones are logged, never leaked. */
export function toFailure(err: unknown, log: Log, context: string): Result<never> {
  if (err instanceof AppError) return { ok: false, error: err.toBody() };
  if (isStorageDown(err)) return fail('UNAVAILABLE', 'Storage is unreachable right now; nothing was saved. Try again.');
  log.error(`${context} failed`, err);
  return fail('INTERNAL', 'Something went wrong on our side; nothing was saved.');
}

/** Sends the successful result; a handler calls it after acting and before broadcasting. */
export type Reply<T> = (data: T) => void;

/**
 * Where a request's Result goes when the client sent no ack; without one it
 * is dropped (the client did not ask). `raw` is the payload as received.
 */
export type AnswerWithoutAck = (res: Result<unknown>, raw: unknown) => void;

/** What `Call.parse` returns for a payload its schema refused. */
const INVALID = Symbol('invalid');

/** What every request of one event on one connection shares: made once per handler, not per request. */
interface Channel {
  socket: BoardSocket;
  event: string;
  log: Log;
  withoutAck: AnswerWithoutAck | undefined;
  /** Counts the answer and its latency (ms since the request arrived); `handle` sets it, `handleNow`'s capability counts its own. */
  observe?: (res: Result<unknown>, startedMs: number) => void;
}

/** The post a payload names, for log lines (a string id the schema would accept, or nothing). */
function postIdOf(raw: unknown): string | undefined {
  const postId = typeof raw === 'object' && raw !== null ? (raw as { postId?: unknown }).postId : undefined;
  return typeof postId === 'string' && postId.length <= 64 ? postId : undefined;
}

/**
 * One incoming request's answer channel: its ack when the client sent one,
 * else `withoutAck`; answered at most once.
 */
export class Call<T = unknown> {
  readonly raw: unknown;
  answered = false;
  readonly #ack: ((r: Result<unknown>) => void) | null;
  readonly #channel: Channel;
  readonly #startedMs: number;

  constructor(args: unknown[], channel: Channel) {
    const last = args[args.length - 1];
    this.raw = typeof args[0] === 'function' ? undefined : args[0];
    this.#ack = typeof last === 'function' ? (last as (r: Result<unknown>) => void) : null;
    this.#channel = channel;
    this.#startedMs = channel.observe ? performance.now() : 0;
  }

  /** Whether the client asked for an answer by ack. */
  get hasAck(): boolean {
    return this.#ack !== null;
  }

  /** This request's logger: the connection's, plus the event and the post (a pino child only once something is logged). */
  get log(): Log {
    return lazyChild(this.#channel.log, () => ({ event: this.#channel.event, postId: postIdOf(this.raw) }));
  }

  /** The payload parsed by `schema`, or INVALID once the failure has been answered. */
  parse<S extends z.ZodType>(schema: S): z.output<S> | typeof INVALID {
    try {
      return parseOrThrow(schema, this.raw);
    } catch (err) {
      this.send(toFailure(err, this.log, this.#channel.event));
      return INVALID;
    }
  }

  send(res: Result<unknown>): void {
    if (this.answered) return;
    this.answered = true;
    this.#channel.observe?.(res, this.#startedMs);
    if (this.#ack) this.#ack(res);
    else this.#channel.withoutAck?.(res, this.raw);
  }

  /** Answers with the data, or with the Result a thrown value maps to (an error after the answer is only logged). */
  answer(err: unknown, data?: T): void {
    const { event } = this.#channel;
    if (this.answered) {
      if (err) this.log.error(`${event} failed after its ack`, err);
    } else if (err) this.send(toFailure(err, this.log, event));
    else this.send(ok(data));
  }
}

export function handle<S extends z.ZodType, T>(
  socket: BoardSocket,
  event: string,
  schema: S,
  fn: (input: z.output<S>, reply: Reply<T>) => Promise<void>,
  ctx: HandlerContext,
  withoutAck?: AnswerWithoutAck,
) {
  const { inflight, metrics } = ctx;
  const channel: Channel = {
    socket,
    event,
    log: ctx.log,
    withoutAck,
    observe: (res, startedMs) => metrics.answered(event, res, startedMs),
  };
  return (...args: unknown[]): void => {
    const call = new Call<T>(args, channel);
    const input = call.parse(schema);
    if (input === INVALID) return;
    void inflight.track(fn(input, (data) => call.send(ok(data)))).catch((err: unknown) => call.answer(err));
  };
}

/**
 * Like `handle`, for the hottest path (a reaction click): the handler runs
 * synchronously and answers through its `call` when the work is done, so a
 * click in a storm costs no promise. Same guarantees: parsed first, answered
 * once, nothing thrown escapes. Work it leaves running is waited for by its own
 * capability at shutdown (the reaction pipeline's drain), not by `inflight`.
 */
export function handleNow<S extends z.ZodType, T>(
  socket: BoardSocket,
  event: string,
  schema: S,
  fn: (input: z.output<S>, call: Call<T>) => void,
  ctx: HandlerContext,
  withoutAck?: AnswerWithoutAck,
) {
  const channel: Channel = { socket, event, log: ctx.log, withoutAck };
  return (...args: unknown[]): void => {
    const call = new Call<T>(args, channel);
    const input = call.parse(schema);
    if (input === INVALID) return;
    try {
      fn(input, call);
    } catch (err) {
      call.answer(err);
    }
  };
}
