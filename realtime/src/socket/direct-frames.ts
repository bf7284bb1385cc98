/**
 * Broadcast frames, and the storm's receipts frames, written straight to the
 * connection's TCP socket.
 *
 * Socket.IO encodes a broadcast once, and its adapter even builds the
 * WebSocket frame once (`wsPreEncodedFrame`). Engine.IO then still spends
 * per recipient: a packet object, three events, a corked two-buffer write and
 * a drain callback that re-arms the transport. In a reaction storm that was
 * about half of the ~20 µs a totals frame cost per socket (docs/benchmarks.md).
 *
 * When the connection has nothing queued anywhere (Engine.IO's buffer empty and
 * its transport writable, the WebSocket sender idle), the same bytes are
 * written in one `write`: nothing can overtake them and they overtake nothing,
 * so the order of frames on the connection is what Engine.IO would have sent.
 * Otherwise the frame takes Engine.IO's path as before.
 *
 * This reads private fields of engine.io 6 and ws 8; `installDirectFrames`
 * checks their shape on every connection and leaves the connection alone when
 * it does not match (a changed dependency then costs speed, not correctness).
 */
import type { Socket as NetSocket } from 'node:net';
import type { ServerToClientEvents } from '@board/shared';
import type { BoardSocket } from './types.js';

/** The parts of Engine.IO's and ws's objects this relies on. */
interface WsSender {
  _state: number;
  _queue: unknown[];
}
interface Ws {
  readyState: number;
  _sender: WsSender;
  _socket: NetSocket;
}
interface EngineConn {
  readyState: string;
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; socket: Ws };
}
interface IoClient {
  conn: EngineConn;
  writeToEngine(encodedPackets: unknown, opts: { wsPreEncodedFrame?: Buffer[]; volatile?: boolean }): void;
}

const WS_OPEN = 1;
/** ws's Sender state when it is not compressing or reading a Blob. */
const SENDER_IDLE = 0;

/** One buffer per broadcast frame, shared by every recipient. */
const joined = new WeakMap<Buffer[], Buffer>();

function frameBytes(list: Buffer[]): Buffer {
  let bytes = joined.get(list);
  if (!bytes) joined.set(list, (bytes = list.length === 1 ? list[0]! : Buffer.concat(list)));
  return bytes;
}

/**
 * Counts for tests and the bench: broadcast frames written directly and left
 * to Engine.IO, and the same for events sent to one connection (emitDirect).
 */
export const directFrameStats = { direct: 0, engine: 0, emitDirect: 0, emitEngine: 0 };

function looksLikeWsTransport(conn: EngineConn | undefined): boolean {
  const ws = conn?.transport?.socket;
  return (
    conn?.transport?.name === 'websocket' &&
    Array.isArray(conn.writeBuffer) &&
    typeof ws?._socket?.write === 'function' &&
    typeof ws._sender?._state === 'number' &&
    Array.isArray(ws._sender._queue)
  );
}

/** The connection's TCP socket when nothing is queued in front of it (see above), else null. */
function idleSocket(conn: EngineConn): NetSocket | null {
  const transport = conn.transport;
  const ws = transport.socket;
  return conn.readyState === 'open' &&
    conn.writeBuffer.length === 0 &&
    transport.name === 'websocket' &&
    transport.writable &&
    ws.readyState === WS_OPEN &&
    ws._sender._state === SENDER_IDLE &&
    ws._sender._queue.length === 0
    ? ws._socket
    : null;
}

/** Connections whose Engine.IO and ws objects have the expected shape (checked once, at install). */
const installed = new WeakSet<BoardSocket>();

export function installDirectFrames(socket: BoardSocket): void {
  const client = socket.client as unknown as IoClient;
  if (!looksLikeWsTransport(client.conn) || Object.hasOwn(client, 'writeToEngine')) return;
  installed.add(socket);
  const viaEngine = client.writeToEngine.bind(client);

  client.writeToEngine = (encodedPackets, opts) => {
    const frame = opts.wsPreEncodedFrame;
    const tcp = frame !== undefined ? idleSocket(client.conn) : null;
    if (tcp) {
      directFrameStats.direct++;
      tcp.write(frameBytes(frame!));
      return;
    }
    directFrameStats.engine++;
    viaEngine(encodedPackets, opts);
  };
}

/** Events of one argument that emitDirect may send. */
type OneArgEvent = {
  [E in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[E]> extends [unknown] ? E : never;
}[keyof ServerToClientEvents];

/**
 * `socket.emit(event, arg)` for a frame sent to one connection, many times a
 * second (a storm's receipts: 5,000 frames a second, each a packet object,
 * three events, a corked two-buffer write and a drain callback on Engine.IO's
 * path). When the connection is idle, the very bytes Socket.IO and Engine.IO
 * would send (`42["event",arg]` in one unmasked text frame; the default
 * namespace, no ack) are written in one `write`; otherwise it is a plain emit.
 */
export function emitDirect<E extends OneArgEvent>(socket: BoardSocket, event: E, arg: Parameters<ServerToClientEvents[E]>[0]): void {
  const tcp = installed.has(socket) && socket.nsp.name === '/' ? idleSocket((socket.client as unknown as IoClient).conn) : null;
  if (!tcp) {
    directFrameStats.emitEngine++;
    (socket.emit as (event: string, arg: unknown) => boolean)(event, arg);
    return;
  }
  directFrameStats.emitDirect++;
  tcp.write(textFrame(`42${JSON.stringify([event, arg])}`));
}

/** One WebSocket text frame (FIN set, server to client, so unmasked) holding `text`. Exported for its unit test. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, head);
  return frame;
}
