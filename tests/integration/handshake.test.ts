/**
 * Who may connect and who they are: protocol version, origin allowlist before
 * the WebSocket upgrade, signed sessions that survive reconnects and reject forgery.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@board/shared';
import { closeAll, connect } from '../support/clients.js';
import { startBoard, type Board } from '../support/board.js';

describe('handshake and sessions', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: 'memory' });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('refuses another protocol version with PROTOCOL_MISMATCH', async () => {
    const err = await connect(board.url, { v: PROTOCOL_VERSION + 1 }).then(
      () => null,
      (e: Error & { data?: { code: string } }) => e,
    );
    expect(err?.data?.code).toBe('PROTOCOL_MISMATCH');
    expect(err?.message).toMatch(/reload/);
  });

  it('refuses a WebSocket from a foreign origin before the upgrade', async () => {
    const err = await connect(board.url, { origin: 'https://evil.example' }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    // The board's own origin is welcome.
    const own = await connect(board.url, { origin: `http://localhost:${board.port}` });
    expect(own.connected).toBe(true);
  });

  it('keeps the same identity and name across reconnects with the token', async () => {
    const first = await connect(board.url, { name: 'Rosa' });
    const again = await connect(board.url, { token: first.session.token });
    expect(again.session.user).toEqual({ id: first.session.user.id, name: 'Rosa' });
  });

  it('gives a forged or tampered token a fresh identity', async () => {
    const real = await connect(board.url, { name: 'Rosa' });
    const [body, sig] = real.session.token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { u: string; n: string };
    const forgedBody = Buffer.from(JSON.stringify({ ...payload, n: 'Facilitator' })).toString('base64url');
    for (const token of [`${forgedBody}.${sig}`, 'garbage', `${body}.`, `.${sig}`]) {
      const s = await connect(board.url, { token });
      expect(s.session.user.id).not.toBe(real.session.user.id);
      expect(s.session.user.name).toBeNull();
    }
  });
});

describe('HTTP endpoints', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: 'memory' });
    await board.store.createPost({ id: 'watch', title: 'Watch', description: 'd', body: 'b' });
  });
  afterAll(() => board.close());

  it('reports liveness and readiness apart, with engine and node id', async () => {
    const live = await fetch(`${board.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ ok: true, nodeId: board.realtime.nodeId, draining: false });
    const ready = await fetch(`${board.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, engine: 'memory', nodeId: board.realtime.nodeId, storage: 'ok', draining: false });
  });

  it('sends protective headers with every response', async () => {
    for (const path of ['/healthz', '/readyz', '/api/posts', '/api/nothing-here']) {
      const res = await fetch(`${board.url}${path}`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('lists posts and reads one with its newest page, pins and sequence number', async () => {
    const list = (await (await fetch(`${board.url}/api/posts`)).json()) as { posts: { id: string; viewers: number }[] };
    expect(list.posts.map((p) => p.id)).toEqual(['watch']);
    const one = await fetch(`${board.url}/api/posts/watch`);
    expect(await one.json()).toMatchObject({
      post: { id: 'watch', title: 'Watch', viewers: 0 },
      page: { sort: 'new', threads: [], next: null, remaining: 0 },
      pinned: [],
      seq: 0,
    });
  });

  it('answers unknown posts, bad ids and unknown endpoints with typed JSON errors', async () => {
    for (const path of ['/api/posts/nope', '/api/posts/%2E%2E', '/api/nothing-here']) {
      const res = await fetch(`${board.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('refuses cross-site writes and malformed JSON', async () => {
    const cross = await fetch(`${board.url}/api/posts`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const broken = await fetch(`${board.url}/api/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'INVALID' } });
  });
});
