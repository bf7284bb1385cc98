/**
 * Liveness, readiness and the drain on SIGTERM, against real node processes:
 * a draining node says "not ready" while it still serves its clients, refuses
 * new ones, then moves its clients (disconnects them) and exits 0; a drain that
 * cannot finish ends at DRAIN_DEADLINE_MS with exit code 1 and the step it was on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@board/shared';
import { closeAll, connect } from '../support/clients.js';
import { startNode, type NodeProcess } from '../support/node-process.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { uniquePrefix } from '../support/board.js';

const nodes: NodeProcess[] = [];
const servers: RedisServerHandle[] = [];
afterEach(async () => {
  closeAll();
  await Promise.all(nodes.splice(0).map((n) => n.kill('SIGKILL')));
  for (const s of servers.splice(0)) {
    process.kill(s.pid, 'SIGCONT');
    await s.dispose();
  }
});

const status = async (url: string) => (await fetch(url)).status;

/** Whether a new socket may connect: resolves true on connect, false on connect_error. */
function canConnect(url: string): Promise<boolean> {
  const socket = ioClient(url, { transports: ['websocket'], auth: { v: PROTOCOL_VERSION }, reconnection: false, forceNew: true });
  return new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  }).finally(() => socket.disconnect());
}

describe('drain on SIGTERM', () => {
  it('answers /readyz 503 while still serving, refuses new sockets, then moves its clients and exits 0', async () => {
    // A notice long enough to look at the node while it drains, on a busy machine.
    const node = await startNode({ DRAIN_NOTICE_MS: '4000', DRAIN_DEADLINE_MS: '20000' });
    nodes.push(node);
    expect(await status(`${node.url}/healthz`)).toBe(200);
    expect(await status(`${node.url}/readyz`)).toBe(200);
    const viewer = await connect(node.url, { name: 'Ana' });
    const moved = new Promise<string>((resolve) => viewer.once('disconnect', resolve));

    void node.kill('SIGTERM');
    await node.printed('Draining', 10_000);
    // Not ready, yet alive and still serving the viewer it has.
    const ready = await fetch(`${node.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ok: false, draining: true, storage: 'ok' });
    expect(await status(`${node.url}/healthz`)).toBe(200);
    expect(viewer.connected).toBe(true);
    expect((await viewer.emitWithAck('session:rename', { name: 'Ana B' })).ok).toBe(true);
    expect(await canConnect(node.url)).toBe(false);

    // Then the viewer is told to go (a client with reconnection on lands on another node).
    expect(await moved).toBe('transport close');
    expect(await node.exited).toBe(0);
    expect(node.output()).toContain('Drained: clients told to reconnect elsewhere');
  });

  it('exits with code 1 at DRAIN_DEADLINE_MS when storage stops answering, naming the step', async () => {
    const redis = await startRedisServer();
    servers.push(redis);
    const node = await startNode({ REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix(), DRAIN_DEADLINE_MS: '2000' });
    nodes.push(node);
    // Redis frozen, its connections open: commands are sent and never answered.
    process.kill(redis.pid, 'SIGSTOP');
    const started = Date.now();
    void node.kill('SIGTERM');
    expect(await node.exited).toBe(1);
    // The deadline, plus a loaded machine's slack; without the deadline it would wait forever.
    expect(Date.now() - started).toBeLessThan(15_000);
    // Which step it is stuck in depends on how far the node got before Redis froze (the adapter's
    // connections may not be ready yet); any step, named.
    expect(node.output()).toMatch(/Drain did not finish within 2000 ms \(still [A-Za-z' ]+\); exiting anyway/);
  });
});
