/**
 * Redis goes away and comes back. Acknowledged comments survive a restart (AOF);
 * while Redis is away writes fail with UNAVAILABLE and nothing is acked that was
 * not stored; the service recovers by itself when Redis returns.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { startBoard, type Board } from '../support/board.js';
import { clientId, closeAll, connect, join, postComment, type Client } from '../support/clients.js';
import type { Comment, Result } from '@board/shared';
import { unwrap } from '../support/clients.js';

/** Retries `read` while Redis comes back (UNAVAILABLE, connection errors), up to `ms`. */
async function once<T>(read: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function postUntilAcked(client: Client, body: string, ms = 20_000): Promise<{ comment: Comment; refusals: number }> {
  const key = clientId();
  const deadline = Date.now() + ms;
  let refusals = 0;
  for (;;) {
    const res: Result<Comment> = await client.timeout(5_000).emitWithAck('comment:create', { postId: 'p', body, parentId: null, clientId: key });
    if (res.ok) return { comment: res.data, refusals };
    expect(res.error.code).toBe('UNAVAILABLE');
    refusals++;
    if (Date.now() > deadline) throw new Error(`still refused after ${ms} ms: ${res.error.message}`);
    await new Promise((r) => setTimeout(r, 200)); // Redis is restarting: retry as the client would
  }
}

describe.each([
  { how: 'restart (SIGTERM)', fsync: 'everysec' as const, stop: (r: RedisServerHandle) => r.stop() },
  { how: 'crash (SIGKILL) with appendfsync always', fsync: 'always' as const, stop: (r: RedisServerHandle) => r.kill() },
])('Redis $how', ({ fsync, stop }) => {
  let redis: RedisServerHandle;
  let board: Board;

  beforeAll(async () => {
    redis = await startRedisServer({ appendonly: true, appendfsync: fsync });
    board = await startBoard({ engine: 'redis', redisUrl: redis.url });
    await board.store.createPost({ id: 'p', title: 'P', description: '', body: '' });
  });
  afterEach(closeAll);
  afterAll(async () => {
    await board.close();
    await redis.dispose();
  });

  it('keeps every acknowledged comment, refuses writes while away, and recovers by itself', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    await join(a, 'p');
    const acked: Comment[] = [];
    for (let i = 0; i < 50; i++) acked.push(await postComment(a, 'p', `durable ${i}`));

    await stop(redis);
    const health = await fetch(`${board.url}/readyz`);
    // Alive all the same: a Redis outage must not get every node restarted.
    expect((await fetch(`${board.url}/healthz`)).status).toBe(200);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, storage: 'unreachable' });

    const key = clientId();
    const refused = await a.timeout(10_000).emitWithAck('comment:create', { postId: 'p', body: 'while away', parentId: null, clientId: key });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });

    await redis.start();
    const { comment: back, refusals } = await postUntilAcked(a, 'after the restart');
    const page = await board.store.listComments('p');
    const stored = new Set(page!.comments.map((c) => c.id));
    const lost = acked.filter((c) => !stored.has(c.id)).length;
    console.log(`[chaos] Redis ${fsync}: acked ${acked.length} before, lost ${lost}, refusals until recovery ${refusals}`);
    expect(lost).toBe(0);
    expect(stored.has(back.id)).toBe(true);
    // The refused write was not stored; numbering continues without a gap.
    expect(page!.comments.some((c) => c.body === 'while away')).toBe(false);
    expect(page!.comments.map((c) => c.seq)).toEqual(page!.comments.map((_, i) => i + 1));
    expect((await fetch(`${board.url}/readyz`)).status).toBe(200);
  });

  it('keeps the event clock, the moments and the pulse', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const postId = unwrap(await host.emitWithAck('post:create', { title: 'Match', description: '' })).post.id;
    await join(host, postId);
    unwrap(await host.emitWithAck('clock:control', { postId, action: 'start', length: '1:45:00' }));
    unwrap(await host.emitWithAck('moment:change', { postId, action: 'mark', label: 'Kick-off', at: '0:00' }));
    unwrap(await host.emitWithAck('moment:change', { postId, action: 'mark', label: 'Goal!' }));
    const c = await postComment(host, postId, 'what a goal');
    unwrap(await host.emitWithAck('reaction:set', { postId, commentId: c.id, kind: 'wow', active: true }));
    unwrap(await host.emitWithAck('clock:control', { postId, action: 'pause' }));
    const before = { post: await board.store.getPost(postId), pulse: await board.store.pulse(postId) };
    expect(before.post!.moments).toHaveLength(2);
    expect(before.pulse.reduce((n, b) => n + b[4] + b[5], 0)).toBe(2);

    await stop(redis);
    await redis.start();
    const post = await once(async () => (await board.store.getPost(postId))!);
    expect(post.clock).toEqual(before.post!.clock);
    expect(post.moments).toEqual(before.post!.moments);
    expect(await once(() => board.store.pulse(postId))).toEqual(before.pulse);
    // A newcomer after the restart gets the same clock, moments and pulse.
    const late = await connect(board.url);
    const joined = await once(() => join(late, postId));
    expect(joined).toMatchObject({ mode: 'snapshot', post: { clock: before.post!.clock, moments: before.post!.moments }, pulse: before.pulse });
  });
});
