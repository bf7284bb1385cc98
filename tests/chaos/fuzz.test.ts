/**
 * Thousands of malformed Engine.IO / Socket.IO packets and random event
 * payloads from raw WebSocket clients. The node (a real child process) must not
 * crash, its memory must stay bounded, and a normal viewer must keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@board/shared';
import { startNode, type NodeProcess } from '../support/node-process.js';
import { closeAll, connect, join, nextPostEvent, pageComments, postComment } from '../support/clients.js';

const CLIENTS = 20;
const POST = 'finale-watch-along'; // a demo post, so well-formed payloads reach the store
const PACKETS_PER_CLIENT = 400;

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 12);
  switch (pick) {
    case 0: return null;
    case 1: return r() * 1e12 - 5e11;
    case 2: return 'x'.repeat(Math.floor(r() * 3_000));
    case 3: return String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(r() * 0xffff)));
    case 4: return r() < 0.5;
    case 5: return depth > 6 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 6: return depth > 6 ? {} : { postId: randomValue(r, depth + 1), body: randomValue(r, depth + 1), clientId: randomValue(r, depth + 1) };
    case 7: return { postId: POST, body: '<script>alert(1)</script>', clientId: 'fuzz-client-id', parentId: randomValue(r, depth + 1) };
    case 8: return { __proto__: { admin: true }, constructor: { prototype: { polluted: 1 } } };
    case 9: return { _placeholder: true, num: Math.floor(r() * 100) }; // a binary placeholder with no attachment
    case 10: return -0;
    default: return '';
  }
}

const EVENTS = ['comment:create', 'reaction:set', 'post:join', 'post:leave', 'lobby:join', 'session:rename', 'no-such', '', 'constructor', '__proto__'];

function randomPacket(r: () => number): string | Buffer {
  const kind = Math.floor(r() * 10);
  const event = EVENTS[Math.floor(r() * EVENTS.length)];
  switch (kind) {
    case 0: return Buffer.from(Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256))); // binary junk
    case 1: return `4${Math.floor(r() * 10)}${'{'.repeat(Math.floor(r() * 50))}`; // unknown/broken socket.io types
    case 2: return `42${Math.floor(r() * 1e6)}["${event}",${JSON.stringify(randomValue(r))}]`; // with ack id
    case 3: return `42["${event}",${JSON.stringify(randomValue(r))},${JSON.stringify(randomValue(r))}]`;
    case 4: return `451-["${event}",{"_placeholder":true,"num":0}]`; // announces a binary attachment that never comes
    case 5: return `42${'['.repeat(Math.floor(r() * 2_000))}`; // deep nesting
    case 6: return String(Math.floor(r() * 10)) + 'garbage'; // engine.io types 0-9 with junk
    case 7: return `42/admin,["${event}",{}]`; // a namespace that does not exist
    case 8: return `43${Math.floor(r() * 100)}[]`; // an ack nobody asked for
    default: return `42["${event}",${JSON.stringify(randomValue(r))}]`;
  }
}

async function fuzzClient(port: number, seed: number): Promise<number> {
  const r = rng(seed);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    ws.on('error', done);
    ws.on('close', done);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') ws.send('3'); // answer pings so only our junk can get us dropped
      if (text.startsWith('0')) {
        ws.send(`40${JSON.stringify({ v: PROTOCOL_VERSION })}`);
        for (let i = 0; i < PACKETS_PER_CLIENT && ws.readyState === WebSocket.OPEN; i++, sent++) ws.send(randomPacket(r));
        ws.close();
      }
    });
  });
  return sent;
}

describe('fuzzing the wire protocol', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await startNode({ MAX_FRAME_BYTES: '65536', SEED_DEMO: 'true' });
  });
  afterAll(async () => {
    closeAll();
    const code = await node.kill('SIGTERM');
    expect(code).toBe(0);
  });

  it('survives with bounded memory while a normal viewer keeps working', async () => {
    const viewer = await connect(node.url, { name: 'Steady' });
    await join(viewer, POST);

    const rssBefore = node.rss();
    let sent = 0;
    let checks = 0;
    for (let round = 0; round < 3; round++) {
      const counts = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => fuzzClient(node.port, round * 1_000 + i + 1)));
      sent += counts.reduce((a, b) => a + b, 0);
      // Between rounds the steady viewer still comments and hears its comment broadcast.
      const heard = nextPostEvent(viewer, (e) => e.type === 'comment' && e.comment.body === `still here ${round}`);
      await postComment(viewer, POST, `still here ${round}`);
      await heard;
      checks++;
    }
    const rssAfter = node.rss();
    const growthMb = (rssAfter - rssBefore) / 1_048_576;
    console.log(
      `[chaos] fuzz: ${sent} packets from ${CLIENTS * 3} raw clients; node alive, RSS ${(rssBefore / 1_048_576).toFixed(0)} → ${(rssAfter / 1_048_576).toFixed(0)} MB (+${growthMb.toFixed(1)} MB)`,
    );
    expect(node.child.exitCode).toBeNull();
    expect(checks).toBe(3);
    expect(sent).toBeGreaterThan(CLIENTS * 3 * 10);
    expect(growthMb).toBeLessThan(150);
    expect(viewer.connected).toBe(true);
    // Nothing the fuzzers sent was stored: they have no name, and junk is refused.
    const late = await connect(node.url, { name: 'Late' });
    const snap = await join(late, POST);
    if (snap.mode !== 'snapshot') throw new Error('expected a snapshot');
    // The newest page: anything a fuzzer had stored would be in it, newer than the demo threads.
    expect(pageComments(snap.page).filter((c) => c.author.name !== 'Steady' && !c.author.id.startsWith('u_demo_'))).toEqual([]);
  });
});
