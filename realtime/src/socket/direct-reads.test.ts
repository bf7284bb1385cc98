/**
 * Events read straight off the WebSocket (direct-reads.ts) against a real
 * Socket.IO server on port 0 and a raw WebSocket client speaking Engine.IO 4,
 * which can put many frames into one TCP write: the case where reading them
 * directly could overtake the frames Socket.IO delivers two ticks later.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import { WebSocket } from 'ws';
import { directReadStats, onDirect } from './direct-reads.js';
import type { BoardSocket } from './types.js';

interface Rig {
  /** Event names and arguments in the order the server's listeners saw them. */
  seen: unknown[][];
  /** Sends several Socket.IO frames in one TCP write. */
  sendAll(frames: string[]): void;
  nextFrame(match: (text: string) => boolean): Promise<string>;
  close(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

async function rig(setup: (socket: BoardSocket, seen: unknown[][]) => void): Promise<Rig> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  const seen: unknown[][] = [];
  io.on('connection', (socket: Socket) => setup(socket as unknown as BoardSocket, seen));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;

  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  const received: string[] = [];
  const waiters: { match: (t: string) => boolean; resolve: (t: string) => void }[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text === '2') return ws.send('3'); // Engine.IO ping
    received.push(text);
    for (const w of [...waiters]) {
      if (w.match(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(text);
      }
    }
  });
  const nextFrame = (match: (t: string) => boolean) => {
    const had = received.find(match);
    return had ? Promise.resolve(had) : new Promise<string>((resolve) => waiters.push({ match, resolve }));
  };
  await new Promise((r) => ws.once('open', r));
  await nextFrame((t) => t.startsWith('0{'));
  ws.send('40');
  await nextFrame((t) => t.startsWith('40{'));

  const tcp = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  const r: Rig = {
    seen,
    sendAll(frames) {
      tcp.cork();
      for (const f of frames) ws.send(f);
      tcp.uncork();
    },
    nextFrame,
    async close() {
      ws.terminate();
      io.close();
      await new Promise((done) => http.close(done));
    },
  };
  rigs.push(r);
  return r;
}

/** Resolves once `seen` holds `n` calls. */
async function until(seen: unknown[][], n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (seen.length < n) {
    if (Date.now() > deadline) throw new Error(`saw ${seen.length} of ${n} events`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('events read directly off the WebSocket', () => {
  it('keeps each event in its place among the events Socket.IO delivers, when all arrive in one read', async () => {
    const r = await rig((socket, seen) => {
      onDirect(socket, 'fast', (n) => void seen.push(['fast', n]));
      socket.on('slow' as never, (n: number) => void seen.push(['slow', n]));
    });
    const before = { ...directReadStats };
    const frames = Array.from({ length: 40 }, (_, i) => `42${JSON.stringify([i % 3 === 0 ? 'slow' : 'fast', i])}`);
    r.sendAll(frames);
    await until(r.seen, 40);
    expect(r.seen.map(([, n]) => n)).toEqual(frames.map((_, i) => i));
    // 26 of the 40 were read directly: the rest took Socket.IO's path.
    expect(directReadStats.direct - before.direct).toBe(26);
    expect(directReadStats.engine - before.engine).toBe(14);
  });

  it('answers an ack a direct frame asks for, as Socket.IO would', async () => {
    const r = await rig((socket) => {
      onDirect(socket, 'double', (n, ack) => (ack as (v: number) => void)((n as number) * 2));
    });
    const before = directReadStats.direct;
    r.sendAll(['4217["double",21]']);
    expect(await r.nextFrame((t) => t.startsWith('43'))).toBe('4317[42]');
    expect(directReadStats.direct - before).toBe(1);
  });

  it("gives a direct frame to every listener of its event that the socket has then, as Socket.IO would", async () => {
    const r = await rig((socket, seen) => {
      const dropped = (n: unknown) => void seen.push(['dropped', n]);
      onDirect(socket, 'fast', dropped);
      socket.on('fast' as never, (n: number) => void seen.push(['also', n]));
      socket.off('fast' as never, dropped as never);
    });
    const before = directReadStats.direct;
    r.sendAll(['42["fast",1]']);
    await until(r.seen, 1);
    expect(r.seen).toEqual([['also', 1]]);
    expect(directReadStats.direct - before).toBe(1);
  });

  it('leaves frames to Socket.IO while the socket has middleware', async () => {
    const used: string[] = [];
    const r = await rig((socket, seen) => {
      socket.use(([event], next) => {
        used.push(event as string);
        next();
      });
      onDirect(socket, 'fast', (n) => void seen.push(['fast', n]));
    });
    const before = directReadStats.direct;
    r.sendAll(['42["fast",1]']);
    await until(r.seen, 1);
    expect(used).toEqual(['fast']);
    expect(directReadStats.direct - before).toBe(0);
  });

  it('leaves a frame that does not parse to Socket.IO, which closes the connection as it always did', async () => {
    let closed!: (reason: string) => void;
    const disconnected = new Promise<string>((resolve) => (closed = resolve));
    const r = await rig((socket, seen) => {
      onDirect(socket, 'fast', (n) => void seen.push(['fast', n]));
      socket.on('disconnect', (reason) => closed(reason));
    });
    r.sendAll(['42["fast",1]']);
    await until(r.seen, 1);
    r.sendAll(['42["fast",{oops', '42["fast",2]']);
    expect(await disconnected).toBe('forced close');
    expect(r.seen).toEqual([['fast', 1]]);
  });
});
