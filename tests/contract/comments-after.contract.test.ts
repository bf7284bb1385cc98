/**
 * Store.commentsAfter on both engines: comments after a seq, oldest first, in
 * pages that are complete and never repeat (all comments, or threads only),
 * with counts and flags now; the read the away digest and the transcript use.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Comment } from '@board/shared';
import type { Store } from '@board/realtime';
import { CONTRACT_ENGINES, contractStore } from '../support/board.js';

const alice = { id: 'u_alice', name: 'Alice' };

for (const engine of CONTRACT_ENGINES) {
  describe(`comments after a seq: ${engine}`, () => {
    let store: Store;
    let n = 0;
    const write = async (body: string, parentId: string | null = null): Promise<Comment> =>
      (await store.addComment({ postId: 'ca', parentId, body, author: alice, clientId: `k-${++n}` })).comment;

    beforeEach(async () => {
      store = contractStore(engine, { redisUrl: inject('redisUrl'), clusterNodes: inject('redisClusterNodes') });
      await store.createPost({ id: 'ca', title: 'After' });
    });
    afterEach(() => store.close());

    it('pages every comment after a seq once, in seq order, with remaining counts', async () => {
      const written: Comment[] = [];
      for (let t = 0; t < 5; t++) {
        const root = await write(`t${t}`);
        written.push(root, await write(`r${t}a`, root.id), await write(`r${t}b`, root.id));
      }
      const from = written[3]!.seq;
      const seen: Comment[] = [];
      let after = from;
      for (;;) {
        const read = await store.commentsAfter('ca', after, 4, 'all');
        if (!read) throw new Error('post missing');
        expect(read.seq).toBe(written.at(-1)!.seq);
        seen.push(...read.comments);
        expect(read.remaining).toBe(written.filter((c) => c.seq > after).length - read.comments.length);
        if (read.remaining === 0) break;
        after = read.comments.at(-1)!.seq;
      }
      expect(seen.map((c) => c.body)).toEqual(written.filter((c) => c.seq > from).map((c) => c.body));
    });

    it('reads threads only, with their counts and flags now', async () => {
      const one = await write('one');
      await write('reply', one.id);
      const two = await write('two');
      await store.applyReactions('ca', [{ commentId: two.id, kind: 'love', userId: 'u_bob', active: true }]);
      await store.setHidden('ca', one.id, true);
      const read = await store.commentsAfter('ca', 0, 10, 'threads');
      expect(read?.comments.map((c) => [c.body, c.hidden, c.reactions.love])).toEqual([
        ['one', true, 0],
        ['two', false, 1],
      ]);
      expect(read?.remaining).toBe(0);
      expect(await store.commentsAfter('ca', two.seq, 10, 'all')).toMatchObject({ comments: [], remaining: 0 });
      expect(await store.commentsAfter('nope', 0, 10, 'all')).toBeNull();
    });
  });
}
