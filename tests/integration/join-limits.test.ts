/**
 * Joins are limited per connection and per address: a join can send the whole
 * post, so a looping joiner is refused with RATE_LIMITED and a wait, while a
 * person reconnecting as the web client does is never refused.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { closeAll, connect, join, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

describe.each<Engine>(['memory', 'redis'])('join limits (%s engine)', (engine) => {
  let board: Board | null = null;
  const start = async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { RATE_LIMIT_FACTOR: '1' } });
    await board.store.createPost({ id: 'big', title: 'Big' });
    return board;
  };
  afterEach(async () => {
    closeAll();
    await board?.close();
    board = null;
  });

  const loop = async (socket: Client, times: number) => {
    const results = [];
    for (let i = 0; i < times; i++) {
      results.push(await socket.emitWithAck('post:join', { postId: 'big' }));
      await socket.emitWithAck('post:leave', { postId: 'big' });
    }
    return results;
  };

  it('refuses a connection looping join/leave past its budget, with the wait', async () => {
    const { url } = await start();
    const looper = await connect(url);
    const results = await loop(looper, 20);
    expect(results.filter((r) => r.ok)).toHaveLength(12);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(8);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
    // Someone else on another connection is not held back by it.
    expect((await join(await connect(url), 'big')).mode).toBe('snapshot');
  });

  it('refuses one address spreading its loop over many connections past the address budget', async () => {
    const { url } = await start();
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(url)));
    const results = (await Promise.all(sockets.map((s) => loop(s, 12)))).flat();
    expect(results.filter((r) => r.ok)).toHaveLength(200);
    expect(results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toHaveLength(40);
  });

  it('never refuses a person who reconnects and rejoins as the web client does', async () => {
    const { url } = await start();
    const first = await connect(url, { name: 'Flaky Phone' });
    let seq = (await join(first, 'big')).seq;
    first.disconnect();
    // Ten reconnects in a row, each a new connection rejoining from its last sequence number
    // and once more for a fresh snapshot (what the client does after a replay).
    for (let i = 0; i < 10; i++) {
      const again = await connect(url, { token: first.session.token });
      seq = (await join(again, 'big', seq)).seq;
      unwrap(await again.emitWithAck('post:join', { postId: 'big' }));
      again.disconnect();
    }
    expect(seq).toBe(0);
  });
});
