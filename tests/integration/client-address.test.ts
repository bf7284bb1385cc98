/**
 * The client address behind proxies: TRUST_PROXY counts trusted hops from the
 * socket (express's `trust proxy`), so an X-Forwarded-For the client wrote
 * itself cannot buy a fresh per-address budget, on sockets or over HTTP.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clientId, closeAll, connect } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';
import { compileTrust, clientAddress, parseConfig } from '@board/realtime';

describe.each<Engine>(['memory', 'redis'])('client address behind TRUST_PROXY=1 (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { RATE_LIMIT_FACTOR: '1', TRUST_PROXY: '1' } });
    await board.store.createPost({ id: 'p', title: 'P' });
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  it('rotating client-written X-Forwarded-For hops share one per-address comment budget', async () => {
    // No proxy in front: the socket is the client, and it wrote both hops itself.
    const people = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        connect(board.url, { name: `Rotor ${i}`, headers: { 'x-forwarded-for': `192.0.2.${i + 1}, 127.0.0.1` } }),
      ),
    );
    const results = await Promise.all(
      people.flatMap((s, i) =>
        Array.from({ length: 6 }, (_, k) =>
          s.emitWithAck('comment:create', { postId: 'p', parentId: null, body: `rotor ${i}.${k}`, clientId: clientId() }),
        ),
      ),
    );
    const stored = (await board.store.listComments('p'))!.comments.length;
    // 60 per address per 10 s (limits/rate-limits.ts); the old first-hop rule let all 180 through.
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(60);
    expect(stored).toBeLessThanOrEqual(60);
    expect(results.some((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toBe(true);
  });
});

describe('client address over HTTP', () => {
  it("gives express's req.ip and the handshake's address from one rule", async () => {
    for (const [setting, expected] of [
      // 1 hop: the socket (127.0.0.1) is the proxy, the last written hop is the client.
      ['1', '198.51.100.9'],
      ['false', '127.0.0.1'],
      ['127.0.0.1', '198.51.100.9'],
    ] as const) {
      const trust = compileTrust(parseConfig({ TRUST_PROXY: setting }).TRUST_PROXY);
      const app = express();
      app.set('trust proxy', trust);
      app.get('/', (req, res) => {
        res.json({ ip: req.ip, ours: clientAddress(req, trust) });
      });
      const server = createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        for (let i = 1; i <= 3; i++) {
          const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': `192.0.2.${i}, 198.51.100.9` } });
          const seen = (await res.json()) as { ip: string; ours: string };
          expect(seen, `TRUST_PROXY=${setting}`).toEqual({ ip: expected, ours: expected });
        }
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });

  it('refuses TRUST_PROXY=true and unreadable proxy addresses with a message naming the variable', () => {
    expect(() => parseConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY.*number of proxies/);
    expect(() => parseConfig({ TRUST_PROXY: '10.0.0.1,not-an-ip' })).toThrow(/TRUST_PROXY/);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['10.0.0.1', '10.0.0.0/8']);
    expect(parseConfig({}).TRUST_PROXY).toBe(false);
  });
});
