/**
 * Broadcast frames written straight to the connection's TCP socket.
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

/** Counts for tests and the bench: frames written directly, and frames left to Engine.IO. */
export const directFrameStats = { direct: 0, engine: 0 };

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

export function installDirectFrames(socket: BoardSocket): void {
  const client = socket.client as unknown as IoClient;
  if (!looksLikeWsTransport(client.conn) || Object.hasOwn(client, 'writeToEngine')) return;
  const viaEngine = client.writeToEngine.bind(client);

  client.writeToEngine = (encodedPackets, opts) => {
    const frame = opts.wsPreEncodedFrame;
    const conn = client.conn;
    const transport = conn.transport;
    const ws = transport.socket;
    if (
      frame !== undefined &&
      conn.readyState === 'open' &&
      conn.writeBuffer.length === 0 &&
      transport.name === 'websocket' &&
      transport.writable &&
      ws.readyState === WS_OPEN &&
      ws._sender._state === SENDER_IDLE &&
      ws._sender._queue.length === 0
    ) {
      directFrameStats.direct++;
      ws._socket.write(frameBytes(frame));
      return;
    }
    directFrameStats.engine++;
    viaEngine(encodedPackets, opts);
  };
}
