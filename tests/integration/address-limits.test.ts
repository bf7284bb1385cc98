/**
 * Budgets per client address that fresh guest identities cannot reset:
 * facilitator-link guesses (per post, failures only) and open connections.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { closeAll, connect, join, unwrap, waitFor, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

describe.each<Engine>(['memory', 'redis'])('per-address limits (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({
      engine,
      redisUrl: inject('redisUrl'),
      env: { RATE_LIMIT_FACTOR: '1', MAX_CONNECTIONS_PER_ADDRESS: '20' },
    });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('counts failed facilitator-link guesses per post and address, and always lets the right secret in', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const a = unwrap(await host.emitWithAck('post:create', { title: 'A' }));
    const b = unwrap(await host.emitWithAck('post:create', { title: 'B' }));
    host.disconnect();

    const guesser = await connect(board.url);
    const codes: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await guesser.emitWithAck('post:claim', { postId: a.post.id, token: `wrong-guess-${i}-xxxxxxxxxxxxxxxx` });
      codes.push(res.ok ? 'ok' : res.error.code);
    }
    expect(codes.slice(0, 20).every((c) => c === 'FORBIDDEN')).toBe(true);
    expect(codes.slice(20).every((c) => c === 'RATE_LIMITED')).toBe(true);

    // The co-host behind the same address, with the real link, is not locked out.
    const cohost = await connect(board.url, { name: 'Cody' });
    expect(unwrap(await cohost.emitWithAck('post:claim', { postId: a.post.id, token: a.facilitatorToken }))).toEqual({ role: 'facilitator' });
    // Another post's budget is its own.
    const other = await guesser.emitWithAck('post:claim', { postId: b.post.id, token: 'wrong-guess-on-b-xxxxxxxxxxxxxxxx' });
    expect(other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('caps open connections per address, and "watching" cannot be inflated past the cap', async () => {
    await board.store.createPost({ id: 'crowd', title: 'Crowd' });
    const tries = await Promise.allSettled(Array.from({ length: 60 }, () => connect(board.url)));
    const accepted = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    const refused = tries.flatMap((t) => (t.status === 'rejected' ? [t.reason as Error & { data?: { code?: string } }] : []));
    expect(accepted).toHaveLength(20);
    expect(refused).toHaveLength(40);
    expect(refused[0]?.data?.code).toBe('RATE_LIMITED');
    expect(refused[0]?.message).toMatch(/Too many connections/);

    const counted = waitFor(accepted[0]!, 'presence', (p) => p.postId === 'crowd' && p.viewers === 20);
    await Promise.all(accepted.map((s) => join(s, 'crowd')));
    await counted;
    expect((await board.store.viewers(['crowd'])).crowd).toBe(20);

    // A closed connection frees its place.
    const leaving: Client[] = accepted.slice(0, 5);
    leaving.forEach((s) => s.disconnect());
    // Until the server has seen them close (awaited on the server, with a deadline).
    await vi.waitFor(async () => expect(await board.realtime.io.fetchSockets()).toHaveLength(15), { timeout: 5_000 });
    await expect(connect(board.url)).resolves.toBeDefined();
  });
});
