/**
 * Events read straight off the WebSocket, for the storm's hottest message (a
 * reaction click, `42["reaction:set",{…}]`, 20,000 a second on one node).
 *
 * On Socket.IO's path a click is one text frame that ws hands to Engine.IO,
 * which decodes it into a packet object and emits it three times; Socket.IO's
 * client decodes it again (its own parser, JSON.parse, a packet object), and
 * its socket reaches the listener two `process.nextTick`s later through two
 * more emitters. perf put the largest single V8 cost of a storm in those
 * emitters' megamorphic lookups (docs/benchmarks.md). In CPU profiles of the
 * storm, reading clicks here took about 3 µs off the ~47 µs of server CPU per
 * click (Engine.IO, Socket.IO, its parser and the emitters: 2.9 s → 2.3 s of
 * self time for 200,000 clicks, this module included).
 *
 * `onDirect` registers the listener as usual (`socket.on`) and, when the
 * connection is a ws transport of the expected shape, also takes that event's
 * frames off ws's `message` event before Engine.IO sees them: one check of the
 * frame's first bytes, one JSON.parse, and the socket's own listeners for the
 * event called as Socket.IO calls them (its emitter, with the payload and an ack
 * function when the frame asks for one), on the same two-tick delay, so an event
 * read this way keeps its place among the connection's other events. Anything
 * else, including a frame that does not parse, goes to Engine.IO unchanged.
 *
 * Like direct-frames.ts this relies on private parts of engine.io 6, ws 8 and
 * socket.io 4, checked per connection: when they do not match, the event takes
 * Socket.IO's path (a changed dependency costs speed, not correctness).
 */
import { EventEmitter } from 'node:events';
import type { BoardSocket } from './types.js';

type Listener = (...args: unknown[]) => void;
type MessageListener = (data: Buffer, isBinary: boolean) => void;

interface WsIn {
  listeners(event: 'message'): MessageListener[];
  removeListener(event: 'message', listener: MessageListener): void;
  on(event: 'message', listener: MessageListener): void;
}
interface EngineConn {
  readyState: string;
  protocol: number;
  pingTimeoutTimer: { refresh(): void } | null;
  hasRefreshedPingTimeout: boolean;
  transport: { name: string; socket: WsIn };
}
interface IoSocketInternals {
  ack(id: number): Listener;
  /** Per-socket middleware (`socket.use`) and catch-all listeners (`onAny`): frames take Socket.IO's path while there are any. */
  fns: unknown[];
  _anyListeners?: unknown[];
}

/** Event frames read here, and event frames (of other events, or not parsable here) left to Engine.IO: for tests. */
export const directReadStats = { direct: 0, engine: 0 };

/** An event read here, with the bytes that start its frames after `42` (and an ack id). */
interface DirectEvent {
  event: string;
  head: Buffer;
}

/** Per connection: the events read here (one or two: a plain array, no iterator per frame). */
const readers = new WeakMap<BoardSocket, DirectEvent[]>();

/**
 * What Socket.IO calls to reach a socket's listeners (`emitUntyped`: its own
 * `emit` sends to the client instead). Listeners added or removed later with
 * `on`/`off` are honoured, as on Socket.IO's path.
 */
const emitToListeners = EventEmitter.prototype.emit;

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** An ack id longer than this is left to Socket.IO's parser (it is a number: 15 digits stay exact). */
const MAX_ID_DIGITS = 15;

function looksLikeWsConnection(socket: BoardSocket): EngineConn | null {
  const conn = socket.conn as unknown as EngineConn | undefined;
  const ws = conn?.transport?.socket;
  const io = socket as unknown as IoSocketInternals;
  const ok =
    socket instanceof EventEmitter &&
    socket.nsp.name === '/' &&
    conn?.transport?.name === 'websocket' &&
    typeof conn.protocol === 'number' &&
    'pingTimeoutTimer' in conn &&
    typeof io.ack === 'function' &&
    Array.isArray(io.fns) &&
    typeof ws?.listeners === 'function' &&
    ws.listeners('message').length === 1;
  return ok ? conn : null;
}

/** `socket.on(event, listener)`, with the event's frames read straight off the WebSocket where possible. */
export function onDirect(socket: BoardSocket, event: string, listener: Listener): void {
  (socket.on as (event: string, listener: Listener) => void)(event, listener);
  let events = readers.get(socket);
  if (!events) {
    const conn = looksLikeWsConnection(socket);
    if (!conn) return;
    readers.set(socket, (events = []));
    install(socket, conn, events);
  }
  if (!events.some((e) => e.event === event)) events.push({ event, head: Buffer.from(`["${event}",`) });
}

function install(socket: BoardSocket, conn: EngineConn, events: DirectEvent[]): void {
  const ws = conn.transport.socket;
  const io = socket as unknown as IoSocketInternals;
  const [toEngine] = ws.listeners('message');
  ws.removeListener('message', toEngine!);
  ws.on('message', (data, isBinary) => {
    if (
      isBinary ||
      data.length < 4 ||
      data[0] !== 0x34 /* "4" message */ ||
      data[1] !== 0x32 /* "2" event */ ||
      io.fns.length > 0 ||
      (io._anyListeners?.length ?? 0) > 0
    ) {
      return toEngine!(data, isBinary);
    }
    let start = 2;
    while (start < data.length && data[start]! >= DIGIT_0 && data[start]! <= DIGIT_9) start++;
    const digits = start - 2;
    if (digits > MAX_ID_DIGITS) return toEngine!(data, isBinary);
    for (let i = 0; i < events.length; i++) {
      const head = events[i]!.head;
      if (data.length <= start + head.length || data.compare(head, 0, head.length, start, start + head.length) !== 0) continue;
      let args: unknown;
      try {
        args = JSON.parse(data.toString('utf8', start));
      } catch {
        break;
      }
      if (!Array.isArray(args) || conn.readyState !== 'open') break;
      directReadStats.direct++;
      // What Engine.IO does for any packet while a ping waits for its pong.
      if (conn.pingTimeoutTimer !== null && !conn.hasRefreshedPingTimeout) {
        conn.pingTimeoutTimer.refresh();
        conn.hasRefreshedPingTimeout = true;
      }
      // [event, payload…, ack?]: what Socket.IO hands its emitter.
      if (digits > 0) args.push(io.ack(Number(data.toString('latin1', 2, start))));
      // Socket.IO reaches a listener two ticks after the frame is read; the same delay keeps this
      // event behind the connection's earlier events and ahead of its later ones.
      process.nextTick(deliver, socket, args);
      return;
    }
    directReadStats.engine++;
    toEngine!(data, isBinary);
  });
}

function deliver(socket: BoardSocket, args: unknown[]): void {
  process.nextTick(deliverNow, socket, args);
}

function deliverNow(socket: BoardSocket, args: unknown[]): void {
  if (socket.connected) emitToListeners.apply(socket, args as [string, ...unknown[]]);
}
