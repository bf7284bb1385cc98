/**
 * The comment tools in storage, on both engines: an author's edit within the
 * window (checked with the write, one atomic step), an author's own delete, and
 * reports counted once per person with a queue that facilitators resolve.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { AppError } from '@board/shared';
import type { Store } from '@board/realtime';
import { CONTRACT_ENGINES, contractStore } from '../support/board.js';

const alice = { id: 'u_alice', name: 'Alice' };
const bob = { id: 'u_bob', name: 'Bob' };
const WINDOW = 600_000;

for (const engine of CONTRACT_ENGINES) {
  describe(`comment tools storage: ${engine}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = contractStore(engine, { redisUrl: inject('redisUrl'), clusterNodes: inject('redisClusterNodes') });
      await store.createPost({ id: 'p1', title: 'One', hostId: 'u_host', hostName: 'Host' });
    });
    afterEach(() => store.close());

    const write = async (body: string, author = alice, createdAt?: number) =>
      (await store.addComment({ postId: 'p1', parentId: null, body, author, clientId: `k-${Math.random().toString(36).slice(2)}`, createdAt })).comment;
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));
    const edit = (commentId: string, body: string, authorId = alice.id, at = Date.now()) =>
      store.editComment('p1', commentId, { authorId, body, at, windowMs: WINDOW });

    it('edits within the window: new text and editedAt stored, an ordered edited event, earlier text out of the replay log', async () => {
      const c = await write('frist!');
      const at = Date.now();
      const { seq, value } = await edit(c.id, 'first!', alice.id, at);
      expect(seq).toBe(2);
      expect(value).toEqual({ commentId: c.id, body: 'first!', editedAt: at, previous: 'frist!' });
      const [stored] = (await store.listComments('p1'))!.comments;
      expect(stored).toMatchObject({ body: 'first!', editedAt: at, seq: 1 });
      const page = await store.readPage('p1', { sort: 'new', threads: 5, replies: 0 });
      expect(page!.page.threads[0]!.root).toMatchObject({ body: 'first!', editedAt: at });
      // A replay from after the comment carries the edit; one across the comment is not contiguous (snapshot).
      expect(await store.eventsSince('p1', 1)).toEqual([{ type: 'edited', seq: 2, commentId: c.id, body: 'first!', editedAt: at }]);
      expect(await store.eventsSince('p1', 0)).toBeNull();
      // Unchanged text takes no seq.
      expect((await edit(c.id, 'first!')).seq).toBeNull();
      // A second edit takes the first edit's text out of the log too.
      await edit(c.id, 'first, really');
      expect(JSON.stringify(await store.eventsSince('p1', 1))).not.toContain('"first!"');
    });

    it('refuses edits: not yours, outside the window, hidden, deleted, removed, locked', async () => {
      const c = await write('mine');
      expect(await code(edit(c.id, 'hijacked', bob.id))).toBe('FORBIDDEN');
      const old = await write('old', alice, Date.now() - WINDOW - 1_000);
      expect(await code(edit(old.id, 'too late'))).toBe('EDIT_WINDOW_CLOSED');
      const hidden = await write('hidden one');
      await store.setHidden('p1', hidden.id, true);
      expect(await code(edit(hidden.id, 'sneaky'))).toBe('CONFLICT');
      const gone = await write('gone');
      await store.deleteComment('p1', gone.id);
      expect(await code(edit(gone.id, 'back'))).toBe('NOT_FOUND');
      expect(await code(edit('c_missing', 'x'))).toBe('NOT_FOUND');
      await store.updateSettings('p1', { locked: true });
      expect(await code(edit(c.id, 'locked'))).toBe('LOCKED');
      await store.updateSettings('p1', { locked: false });
      await store.setBanned('p1', alice.id, true);
      expect(await code(edit(c.id, 'removed'))).toBe('FORBIDDEN');
      // Nothing changed by any refusal.
      const bodies = (await store.listComments('p1'))!.comments.map((x) => [x.body, x.editedAt]);
      expect(bodies).toEqual([['mine', undefined], ['old', undefined], ['hidden one', undefined], ['', undefined]]);
    });

    it('deletes your own comment only: a tombstone, counts kept, edits and earlier texts gone with it', async () => {
      const c = await write('regret this');
      const reply = await store.addComment({ postId: 'p1', parentId: c.id, body: 'answer', author: bob, clientId: 'k-reply-123' });
      await edit(c.id, 'regret this more');
      await store.appendModLog('p1', { at: Date.now(), by: alice, action: 'edit', target: c.id, detail: 'regret this' }, { routine: 10, kept: 10 });
      expect(await code(store.deleteComment('p1', c.id, bob.id))).toBe('FORBIDDEN');
      expect((await store.getPost('p1'))!.commentCount).toBe(2);
      const { seq } = await store.deleteComment('p1', c.id, alice.id);
      expect(seq).toBeGreaterThan(0);
      const [tomb, kept] = (await store.listComments('p1'))!.comments;
      expect(tomb).toMatchObject({ deleted: true, body: '' });
      expect(tomb!.editedAt).toBeUndefined();
      expect(kept).toMatchObject({ id: reply.comment.id, parentId: c.id });
      expect((await store.getPost('p1'))!.commentCount).toBe(1);
      for (let since = 0; since < seq!; since++) expect(JSON.stringify(await store.eventsSince('p1', since))).not.toContain('regret');
      expect(JSON.stringify(await store.modLog('p1'))).not.toContain('regret');
    });

    it('counts reports once per person, keeps a queue by count, and resolves it', async () => {
      const a = await write('spammy');
      const b = await write('rude', bob);
      const r1 = await store.reportComment('p1', a.id, { reporterId: 'u_r1', reason: 'spam', at: 1_000 });
      expect(r1).toMatchObject({ counted: true, entry: { commentId: a.id, count: 1, reasons: { spam: 1 }, status: 'open', body: 'spammy', authorName: 'Alice' } });
      // The same person again, with another reason: not counted twice.
      const again = await store.reportComment('p1', a.id, { reporterId: 'u_r1', reason: 'hate', at: 2_000 });
      expect(again).toMatchObject({ counted: false, entry: { count: 1, reasons: { spam: 1 } } });
      await store.reportComment('p1', a.id, { reporterId: 'u_r2', reason: 'other', at: 3_000 });
      await store.reportComment('p1', b.id, { reporterId: 'u_r1', reason: 'harassment', at: 4_000 });
      expect(await code(store.reportComment('p1', a.id, { reporterId: alice.id, reason: 'spam', at: 5_000 }))).toBe('INVALID');
      expect(await code(store.reportComment('p1', 'c_missing', { reporterId: 'u_r1', reason: 'spam', at: 5_000 }))).toBe('NOT_FOUND');
      const queue = await store.reportQueue('p1', 10);
      expect(queue.map((r) => [r.commentId, r.count, r.lastAt])).toEqual([[a.id, 2, 3_000], [b.id, 1, 4_000]]);
      expect(queue[0]!.reasons).toEqual({ spam: 1, other: 1 });

      const dismissed = await store.resolveReports('p1', a.id, 'dismiss');
      expect(dismissed).toMatchObject({ commentId: a.id, status: 'dismissed', count: 2 });
      expect(await store.resolveReports('p1', a.id, 'confirm')).toBeNull();
      // Reviewed: later reports are not counted and it stays out of the queue.
      expect((await store.reportComment('p1', a.id, { reporterId: 'u_r3', reason: 'spam', at: 6_000 })).counted).toBe(false);
      // A deleted comment leaves the queue.
      await store.deleteComment('p1', b.id);
      expect(await store.reportQueue('p1', 10)).toEqual([]);
    });
  });
}
