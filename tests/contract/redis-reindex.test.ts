/**
 * Redis posts written before the page indexes existed (no `pages` mark, no
 * thread indexes, comments without rootId) get them built on their first page
 * read, and then read exactly as a post written with them.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisStore, redisOptions, type Store } from '@board/realtime';
import { uniquePrefix } from '../support/board.js';

describe('redis: page indexes of older posts', () => {
  const opened: { store: Store; raw: Redis }[] = [];
  afterEach(async () => {
    for (const { store, raw } of opened.splice(0)) {
      await store.close();
      raw.disconnect();
    }
  });

  it('builds them on the first page read and reads the same pages as before', async () => {
    const prefix = uniquePrefix();
    const raw = new Redis(inject('redisUrl'), redisOptions);
    const store = createRedisStore({ redis: new Redis(inject('redisUrl'), redisOptions), prefix, ownsConnection: true });
    opened.push({ store, raw });
    await store.createPost({ id: 'old', title: 'Old' });
    const author = { id: 'u_a', name: 'A' };
    const write = (body: string, parentId: string | null = null) =>
      store.addComment({ postId: 'old', parentId, body, author, clientId: `k-${body.replace(/\W/g, '')}-xxxxxxxx` }).then((r) => r.comment);
    const a = await write('a');
    const a1 = await write('a1', a.id);
    await write('a2', a1.id);
    const b = await write('b');
    await store.applyReactions('old', [{ commentId: a.id, kind: 'like', userId: 'u1', active: true }]);
    const query = { sort: 'top' as const, threads: 10, replies: 5 };
    const expected = await store.readPage('old', query);

    // Make it look written before: no mark, no indexes, no rootId in the stored JSON.
    const base = `${prefix}{p:old}`;
    await raw.hdel(`${base}:meta`, 'pages');
    await raw.del(`${base}:threads`, `${base}:top`, `${base}:root`, `${base}:r:${a.id}`);
    const stored = await raw.hgetall(`${base}:c`);
    for (const [id, json] of Object.entries(stored)) await raw.hset(`${base}:c`, id, json.replace(/,"rootId":(null|"[^"]*")/, ''));

    expect(await store.readPage('old', query)).toEqual(expected);
    expect((await store.readPage('old', query))!.page.threads.map((t) => t.root.id)).toEqual([a.id, b.id]);
    expect((await store.readReplies('old', a.id, 0, 10))!.replies.map((r) => r.rootId)).toEqual([a.id, a.id]);
    expect(await raw.hget(`${base}:meta`, 'pages')).toBe('1');
  });
});
