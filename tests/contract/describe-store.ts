/**
 * The store contract: every engine must pass exactly these tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, REACTION_KINDS, threadRank, type ThreadPage, type ThreadSort } from '@board/shared';
import { MAX_REACTION_BATCH, type PageQuery, type Store } from '@board/realtime';

export type MakeStore = (opts?: { replayLogMax?: number }) => Store;

const alice = { id: 'u_alice', name: 'Alice' };
const bob = { id: 'u_bob', name: 'Bob' };

export function describeStore(engine: string, makeStore: MakeStore): void {
  describe(`store contract: ${engine}`, () => {
    let store: Store;
    const opened: Store[] = [];
    const fresh = (opts?: { replayLogMax?: number }) => {
      const s = makeStore(opts);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      store = fresh();
      await store.createPost({ id: 'p1', title: 'One', description: 'first', body: 'b' });
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    const comment = (body: string, extra: { parentId?: string | null; clientId?: string; author?: typeof alice; postId?: string } = {}) =>
      store.addComment({
        postId: extra.postId ?? 'p1',
        parentId: extra.parentId ?? null,
        body,
        author: extra.author ?? alice,
        clientId: extra.clientId ?? `k-${Math.random().toString(36).slice(2)}`,
      });

    const expectCode = async (p: Promise<unknown>, code: string) => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe(code);
    };

    describe('posts', () => {
      it('creates, reads and lists posts newest first', async () => {
        await store.createPost({ id: 'p0', title: 'Old', description: '', body: '', createdAt: 1 });
        // Strictly later than p1 (made in beforeEach): two posts of the same millisecond have no defined order.
        const made = await store.createPost({ title: 'New', description: 'd', body: '', createdAt: Date.now() + 1 });
        expect(await store.getPost(made.id)).toEqual(made);
        expect((await store.listPosts()).map((p) => p.id)).toEqual([made.id, 'p1', 'p0']);
        expect(await store.getPost('missing')).toBeNull();
      });

      it('refuses a second post with the same id and keeps the first', async () => {
        await expectCode(store.createPost({ id: 'p1', title: 'Imposter', description: '', body: '' }), 'INVALID');
        expect((await store.getPost('p1'))?.title).toBe('One');
      });
    });

    describe('comments', () => {
      it('gives each comment the next sequence number and lists them in order', async () => {
        const a = await comment('first');
        const b = await comment('second');
        const c = await comment('third', { author: bob });
        expect([a.comment.seq, b.comment.seq, c.comment.seq]).toEqual([1, 2, 3]);
        const page = await store.listComments('p1');
        expect(page?.seq).toBe(3);
        expect(page?.comments.map((x) => x.body)).toEqual(['first', 'second', 'third']);
        expect(page?.comments[2]).toMatchObject({ author: bob, parentId: null, reactions: { like: 0, love: 0, laugh: 0, wow: 0 } });
        expect((await store.getPost('p1'))?.commentCount).toBe(3);
      });

      it('keeps replies linked to their parent', async () => {
        const parent = await comment('question');
        const reply = await comment('answer', { parentId: parent.comment.id, author: bob });
        expect(reply.comment.parentId).toBe(parent.comment.id);
        expect((await store.listComments('p1'))?.comments[1]?.parentId).toBe(parent.comment.id);
      });

      it('refuses an unknown post or parent and changes nothing', async () => {
        await comment('kept');
        await expectCode(comment('x', { postId: 'nope' }), 'NOT_FOUND');
        await expectCode(comment('x', { parentId: 'c_missing' }), 'NOT_FOUND');
        const page = await store.listComments('p1');
        expect(page?.seq).toBe(1);
        expect(page?.comments).toHaveLength(1);
        expect((await store.getPost('p1'))?.commentCount).toBe(1);
        expect(await store.listComments('nope')).toBeNull();
      });

      it('stores a resend with the same client id once and returns the original', async () => {
        const first = await comment('hello', { clientId: 'same-key-1' });
        const again = await comment('hello', { clientId: 'same-key-1' });
        expect(first.duplicate).toBe(false);
        expect(again.duplicate).toBe(true);
        expect(again.comment).toEqual(first.comment);
        // The key belongs to its author: another person may use the same one.
        const other = await comment('hello', { clientId: 'same-key-1', author: bob });
        expect(other.duplicate).toBe(false);
        expect((await store.listComments('p1'))?.comments.map((c) => c.seq)).toEqual([1, 2]);
      });

      it('numbers concurrent comments 1..N with no gap or repeat', async () => {
        const n = 60;
        const made = await Promise.all(Array.from({ length: n }, (_, i) => comment(`c${i}`)));
        const seqs = made.map((m) => m.comment.seq).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        const page = await store.listComments('p1');
        expect(page?.comments.map((c) => c.seq)).toEqual(seqs);
      });
    });

    describe('reactions', () => {
      it('sets, keeps and clears one reaction per person per kind; counts never go negative', async () => {
        const { comment: c } = await comment('react to me');
        const on = await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: 'u1', active: true }]);
        // A change takes the next totals version and no sequence number: totals are not in the ordered log.
        expect(on.version).toBe(1);
        expect(on.totals).toEqual([{ commentId: c.id, counts: { like: 1, love: 0, laugh: 0, wow: 0 } }]);
        expect(on.results).toEqual([{ ok: true, active: true, counts: { like: 1, love: 0, laugh: 0, wow: 0 } }]);

        // Setting the same state again changes nothing and takes no version.
        const again = await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: 'u1', active: true }]);
        expect(again.version).toBe(1);
        expect(again.totals).toEqual([]);
        expect(again.results[0]).toMatchObject({ ok: true, counts: { like: 1 } });

        const off = await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: 'u1', active: false }]);
        expect(off.version).toBe(2);
        const offAgain = await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: 'u1', active: false }]);
        expect(offAgain.version).toBe(2);
        expect(offAgain.results[0]).toMatchObject({ ok: true, counts: { like: 0 } });
        const page = await store.listComments('p1');
        expect(page?.comments[0]?.reactions.like).toBe(0);
        expect(page?.seq).toBe(1);
        expect(page?.totalsVersion).toBe(2);
        expect(await store.eventsSince('p1', 1)).toEqual([]);
      });

      it('reports what each person pressed', async () => {
        const { comment: a } = await comment('a');
        const { comment: b } = await comment('b');
        await store.applyReactions('p1', [
          { commentId: a.id, kind: 'wow', userId: 'u1', active: true },
          { commentId: a.id, kind: 'like', userId: 'u1', active: true },
          { commentId: b.id, kind: 'love', userId: 'u1', active: true },
          { commentId: b.id, kind: 'love', userId: 'u2', active: true },
        ]);
        expect(await store.myReactions('p1', 'u1')).toEqual({ [a.id]: ['like', 'wow'], [b.id]: ['love'] });
        expect(await store.myReactions('p1', 'nobody')).toEqual({});
        // Released ones are gone, and a comment with none left is not listed.
        await store.applyReactions('p1', [
          { commentId: a.id, kind: 'wow', userId: 'u1', active: false },
          { commentId: b.id, kind: 'love', userId: 'u1', active: false },
        ]);
        expect(await store.myReactions('p1', 'u1')).toEqual({ [a.id]: ['like'] });
      });

      it('applies a batch as one totals version with totals of the changed comments only', async () => {
        const { comment: a } = await comment('a');
        const { comment: b } = await comment('b');
        const res = await store.applyReactions('p1', [
          { commentId: a.id, kind: 'like', userId: 'u1', active: true },
          { commentId: a.id, kind: 'like', userId: 'u2', active: true },
          { commentId: b.id, kind: 'love', userId: 'u3', active: false },
          { commentId: 'c_missing', kind: 'love', userId: 'u3', active: true },
        ]);
        expect(res.version).toBe(1);
        expect(res.totals).toEqual([{ commentId: a.id, counts: { like: 2, love: 0, laugh: 0, wow: 0 } }]);
        expect(res.results.map((r) => r.ok)).toEqual([true, true, true, false]);
        await expectCode(store.applyReactions('nope', [{ commentId: a.id, kind: 'like', userId: 'u1', active: true }]), 'NOT_FOUND');
      });

      it('gives exact totals when many people react at once', async () => {
        const { comment: c } = await comment('popular');
        const people = 300;
        // Everyone presses like and love in separate concurrent calls; a third take love back.
        await Promise.all(
          Array.from({ length: people }, (_, i) =>
            store.applyReactions('p1', [
              { commentId: c.id, kind: 'like', userId: `u${i}`, active: true },
              { commentId: c.id, kind: 'love', userId: `u${i}`, active: true },
            ]),
          ),
        );
        await Promise.all(
          Array.from({ length: people / 3 }, (_, i) =>
            store.applyReactions('p1', [{ commentId: c.id, kind: 'love', userId: `u${i * 3}`, active: false }]),
          ),
        );
        const page = await store.listComments('p1');
        expect(page?.comments[0]?.reactions).toEqual({ like: people, love: people - people / 3, laugh: 0, wow: 0 });
        // Every call changed a count: one version each, and the ordered log holds only the comment.
        expect(page?.totalsVersion).toBe(people + people / 3);
        expect(page?.seq).toBe(1);
      });

      it('applies a batch in order per person, comment and kind, and answers each setting in the order given', async () => {
        const { comment: a } = await comment('a');
        const { comment: b } = await comment('b');
        await store.setBanned('p1', 'gone', true);
        const res = await store.applyReactions('p1', [
          { commentId: a.id, kind: 'like', userId: 'u1', active: true },
          { commentId: b.id, kind: 'wow', userId: 'u2', active: true },
          { commentId: a.id, kind: 'like', userId: 'gone', active: true },
          { commentId: a.id, kind: 'like', userId: 'u1', active: false },
          { commentId: 'c_missing', kind: 'like', userId: 'u3', active: true },
          { commentId: b.id, kind: 'wow', userId: 'gone', active: true },
          { commentId: a.id, kind: 'love', userId: 'u1', active: true },
          { commentId: a.id, kind: 'like', userId: 'u1', active: true },
        ]);
        expect(res.results.map((r) => (r.ok ? r.active : r.code))).toEqual([true, true, 'FORBIDDEN', false, 'NOT_FOUND', 'FORBIDDEN', true, true]);
        // Answers are shared (types.ts): one object per comment and setting, whatever the kind, and one per refusal.
        expect(res.results[6]).toBe(res.results[0]);
        expect(res.results[7]).toBe(res.results[0]);
        expect(res.results[3]).not.toBe(res.results[0]);
        expect(res.results[1]).not.toBe(res.results[0]);
        expect(res.results[5]).toBe(res.results[2]);
        expect(res.results[4]).not.toBe(res.results[2]);
        // u1's like went on, off and on again: the last one stands.
        expect(await store.myReactions('p1', 'u1')).toEqual({ [a.id]: ['like', 'love'] });
        const page = await store.listComments('p1');
        expect(page?.comments.map((c) => c.reactions)).toEqual([
          { like: 1, love: 1, laugh: 0, wow: 0 },
          { like: 0, love: 0, laugh: 0, wow: 1 },
        ]);
      });

      it('takes the largest batch a flush may hand over (MAX_REACTION_BATCH) in one call, as one version', async () => {
        const { comment: c } = await comment('viral');
        const n = MAX_REACTION_BATCH;
        const ops = Array.from({ length: n }, (_, i) => ({
          commentId: c.id,
          kind: REACTION_KINDS[i % 4]!,
          userId: `u${Math.floor(i / 4)}`,
          active: true,
        }));
        const res = await store.applyReactions('p1', ops);
        expect(res.version).toBe(1);
        expect(res.results).toHaveLength(n);
        expect(res.totals).toEqual([{ commentId: c.id, counts: { like: n / 4, love: n / 4, laugh: n / 4, wow: n / 4 } }]);
      });
    });

    describe('pages', () => {
      /** Walks every page of a sort from the first; returns the thread root ids in the order read. */
      const walk = async (sort: ThreadSort, threads: number, between?: (page: ThreadPage) => Promise<void>) => {
        const ids: string[] = [];
        let before: number | undefined;
        for (let guard = 0; guard < 1_000; guard++) {
          const read = await store.readPage('p1', { sort, before, threads, replies: 2 });
          ids.push(...read!.page.threads.map((t) => t.root.id));
          await between?.(read!.page);
          if (read!.page.next === null) return ids;
          before = read!.page.next;
        }
        throw new Error('pages never ended');
      };

      it('gives the newest threads first, each with its first replies and its reply count', async () => {
        const a = await comment('thread a');
        const b = await comment('thread b');
        const a1 = await comment('a reply 1', { parentId: a.comment.id, author: bob });
        const a2 = await comment('a reply 2 (to reply 1)', { parentId: a1.comment.id });
        const a3 = await comment('a reply 3', { parentId: a.comment.id });
        const c = await comment('thread c');
        expect(a2.comment.rootId).toBe(a.comment.id);
        expect(a.comment.rootId).toBeNull();
        const read = await store.readPage('p1', { sort: 'new', threads: 2, replies: 2 });
        expect(read!.seq).toBe(6);
        expect(read!.page.threads.map((t) => t.root.id)).toEqual([c.comment.id, b.comment.id]);
        expect(read!.page).toMatchObject({ sort: 'new', remaining: 1, next: b.comment.seq });
        const older = await store.readPage('p1', { sort: 'new', threads: 2, replies: 2, before: read!.page.next! });
        expect(older!.page.threads).toHaveLength(1);
        expect(older!.page).toMatchObject({ remaining: 0, next: null });
        const [thread] = older!.page.threads;
        expect(thread!.root.body).toBe('thread a');
        expect(thread!.replyCount).toBe(3);
        expect(thread!.replies.map((r) => r.id)).toEqual([a1.comment.id, a2.comment.id]);
        expect(a3.comment.seq).toBeGreaterThan(a2.comment.seq);
        expect(await store.readPage('nope', { sort: 'new', threads: 2, replies: 2 })).toBeNull();
      });

      it('walks every thread exactly once, in order, in both sorts', async () => {
        const roots: string[] = [];
        for (let i = 0; i < 23; i++) roots.push((await comment(`thread ${i}`)).comment.id);
        await comment('a reply', { parentId: roots[3]! });
        // Varied scores for Top, with ties (ties: newest first).
        const ops = roots.flatMap((id, i) =>
          Array.from({ length: i % 4 }, (_, k) => ({ commentId: id, kind: 'like' as const, userId: `u${k}`, active: true })),
        );
        await store.applyReactions('p1', ops);
        const newest = await walk('new', 5);
        expect(newest).toEqual([...roots].reverse());
        const top = await walk('top', 4);
        expect(new Set(top).size).toBe(roots.length);
        const full = (await store.listComments('p1'))!.comments;
        const rankOf = (id: string) => threadRank('top', full.find((c) => c.id === id)!);
        const ranks = top.map(rankOf);
        expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
        expect(full.find((c) => c.id === top[0])!.reactions.like).toBe(3);
      });

      it('stays complete and never repeats a thread while others comment between page reads', async () => {
        const before: string[] = [];
        for (let i = 0; i < 12; i++) before.push((await comment(`old ${i}`)).comment.id);
        let n = 0;
        const read = await walk('new', 5, async () => {
          // New threads (above every cursor), and replies to threads on either side of the page boundary.
          await comment(`new ${n++}`);
          await comment('late reply', { parentId: before[n * 3]! });
        });
        const seen = read.filter((id) => before.includes(id));
        expect(seen).toEqual([...before].reverse());
        expect(new Set(read).size).toBe(read.length);
      });

      it('keeps Top pages consistent with reactions as they change', async () => {
        const a = await comment('a');
        const b = await comment('b');
        const r = await comment('a reply', { parentId: a.comment.id });
        const top = async () => (await store.readPage('p1', { sort: 'top', threads: 10, replies: 0 }))!.page.threads.map((t) => t.root.id);
        expect(await top()).toEqual([b.comment.id, a.comment.id]);
        await store.applyReactions('p1', [{ commentId: a.comment.id, kind: 'love', userId: 'u1', active: true }]);
        expect(await top()).toEqual([a.comment.id, b.comment.id]);
        // A reply's reactions do not move its thread; taking a reaction back does.
        await store.applyReactions('p1', [
          { commentId: r.comment.id, kind: 'like', userId: 'u1', active: true },
          { commentId: r.comment.id, kind: 'like', userId: 'u2', active: true },
          { commentId: a.comment.id, kind: 'love', userId: 'u1', active: false },
        ]);
        expect(await top()).toEqual([b.comment.id, a.comment.id]);
        const read = await store.readPage('p1', { sort: 'top', threads: 1, replies: 0 });
        expect(read!.page.next).toBe(threadRank('top', read!.page.threads[0]!.root));
      });

      it('pages the replies of one thread, every descendant once, oldest first', async () => {
        const root = await comment('root');
        const other = await comment('another thread');
        const replies: string[] = [];
        let parent = root.comment.id;
        for (let i = 0; i < 7; i++) {
          const r = await comment(`reply ${i}`, { parentId: i % 2 ? parent : root.comment.id, author: bob });
          replies.push(r.comment.id);
          parent = r.comment.id;
          if (i === 3) await comment('elsewhere', { parentId: other.comment.id });
        }
        const first = await store.readReplies('p1', root.comment.id, 0, 3);
        expect(first).toMatchObject({ rootId: root.comment.id, remaining: 4 });
        expect(first!.replies.map((c) => c.id)).toEqual(replies.slice(0, 3));
        const rest = await store.readReplies('p1', root.comment.id, first!.replies.at(-1)!.seq, 10);
        expect(rest!.replies.map((c) => c.id)).toEqual(replies.slice(3));
        expect(rest!.remaining).toBe(0);
        expect(rest!.replies.every((c) => c.rootId === root.comment.id)).toBe(true);
        expect((await store.readReplies('p1', 'not-a-thread', 0, 10))!.replies).toEqual([]);
        expect(await store.readReplies('nope', root.comment.id, 0, 10)).toBeNull();
      });

      it('carries the pins wherever they are, counts current and flags unredacted', async () => {
        const old = await comment('old pinned announcement');
        const reply = await comment('pinned reply', { parentId: old.comment.id });
        for (let i = 0; i < 5; i++) await comment(`filler ${i}`);
        await store.setPinned('p1', reply.comment.id, true, 3);
        await store.setPinned('p1', old.comment.id, true, 3);
        await store.setHidden('p1', reply.comment.id, true);
        await store.applyReactions('p1', [{ commentId: old.comment.id, kind: 'wow', userId: 'u1', active: true }]);
        const query: PageQuery = { sort: 'new', threads: 2, replies: 3 };
        const read = await store.readPage('p1', query);
        expect(read!.page.threads.map((t) => t.root.body)).toEqual(['filler 4', 'filler 3']);
        expect(read!.pinned.map((c) => c.id)).toEqual([reply.comment.id, old.comment.id]);
        expect(read!.pinned[0]).toMatchObject({ hidden: true, body: 'pinned reply' });
        expect(read!.pinned[1]!.reactions.wow).toBe(1);
        expect(read!.totalsVersion).toBe(1);
      });
    });

    describe('totals since a version', () => {
      it('gives the current counts of the comments changed after a version, with the version', async () => {
        const { comment: a } = await comment('a');
        const { comment: b } = await comment('b');
        const { comment: c } = await comment('c');
        expect(await store.totalsSince('p1', 0, 10)).toEqual({ version: 0, totals: [] });
        await store.applyReactions('p1', [{ commentId: a.id, kind: 'like', userId: 'u1', active: true }]);
        await store.applyReactions('p1', [{ commentId: b.id, kind: 'wow', userId: 'u1', active: true }]);
        await store.applyReactions('p1', [{ commentId: a.id, kind: 'love', userId: 'u2', active: true }]);
        const since1 = await store.totalsSince('p1', 1, 10);
        expect(since1?.version).toBe(3);
        expect(since1?.totals.sort((x, y) => x.commentId.localeCompare(y.commentId))).toEqual(
          [
            { commentId: a.id, counts: { like: 1, love: 1, laugh: 0, wow: 0 } },
            { commentId: b.id, counts: { like: 0, love: 0, laugh: 0, wow: 1 } },
          ].sort((x, y) => x.commentId.localeCompare(y.commentId)),
        );
        expect((await store.totalsSince('p1', 2, 10))?.totals).toEqual([{ commentId: a.id, counts: { like: 1, love: 1, laugh: 0, wow: 0 } }]);
        expect(await store.totalsSince('p1', 3, 10)).toEqual({ version: 3, totals: [] });
        // More changed comments than asked for: null, and the caller sends a snapshot.
        expect(await store.totalsSince('p1', 0, 1)).toBeNull();
        expect((await store.totalsSince('p1', 0, 2))?.totals).toHaveLength(2);
        expect(c.id).toBeTruthy();
        expect(await store.totalsSince('nope', 0, 10)).toBeNull();
      });

      it('keeps one entry per comment however many clicks a storm brings', async () => {
        const { comment: a } = await comment('a');
        for (let round = 0; round < 50; round++) {
          await store.applyReactions('p1', [{ commentId: a.id, kind: 'like', userId: `u${round % 2}`, active: round % 4 < 2 }]);
        }
        const since = await store.totalsSince('p1', 0, 1);
        expect(since?.totals).toHaveLength(1);
        expect(since?.version).toBe((await store.listComments('p1'))?.totalsVersion);
        expect(await store.eventsSince('p1', 0)).toHaveLength(1);
      });
    });

    describe('replay log', () => {
      it('returns the events after a sequence number, in order', async () => {
        const { comment: a } = await comment('a');
        await store.applyReactions('p1', [{ commentId: a.id, kind: 'like', userId: 'u1', active: true }]);
        await comment('b');
        await comment('c');
        const events = await store.eventsSince('p1', 1);
        // Reactions are not in the log.
        expect(events?.map((e) => [e.type, e.seq])).toEqual([
          ['comment', 2],
          ['comment', 3],
        ]);
        expect(events?.[0]).toMatchObject({ type: 'comment', comment: { body: 'b', seq: 2 } });
        expect(await store.eventsSince('p1', 3)).toEqual([]);
        expect(await store.eventsSince('p1', 0)).toHaveLength(3);
        expect(await store.eventsSince('nope', 0)).toBeNull();
      });

      it('says so when the log no longer reaches back far enough', async () => {
        const small = fresh({ replayLogMax: 100 });
        await small.createPost({ id: 'busy', title: 't', description: '', body: '' });
        for (let i = 0; i < 400; i++) {
          await small.addComment({ postId: 'busy', parentId: null, body: `m${i}`, author: alice, clientId: `key-busy-${i}` });
        }
        expect(await small.eventsSince('busy', 0)).toBeNull();
        const recent = await small.eventsSince('busy', 390);
        expect(recent?.map((e) => e.seq)).toEqual([391, 392, 393, 394, 395, 396, 397, 398, 399, 400]);
      });
    });

    describe('moderation', () => {
      const host = { id: 'u_host', name: 'Host' };

      it('knows roles: creator and claimed hosts are facilitators, removed people are removed', async () => {
        await store.createPost({ id: 'hosted', title: 'H', hostId: host.id, hostTokenHash: 'ab'.repeat(32) });
        expect(await store.role('hosted', host.id)).toBe('facilitator');
        expect(await store.role('hosted', alice.id)).toBe('participant');
        expect(await store.hostTokenHash('hosted')).toBe('ab'.repeat(32));
        expect(JSON.stringify(await store.getPost('hosted'))).not.toContain('ab'.repeat(32));
        await store.addHost('hosted', bob.id);
        expect(await store.role('hosted', bob.id)).toBe('facilitator');
        expect(await store.setBanned('hosted', alice.id, true)).toBe(true);
        expect(await store.setBanned('hosted', alice.id, true)).toBe(false);
        expect(await store.role('hosted', alice.id)).toBe('removed');
        await expectCode(store.setBanned('hosted', host.id, true), 'INVALID');
      });

      it('pins in order, up to the limit, each change one event', async () => {
        const ids = [];
        for (const body of ['a', 'b', 'c', 'd']) ids.push((await comment(body)).comment.id);
        expect((await store.setPinned('p1', ids[1]!, true, 3)).value).toEqual([ids[1]]);
        expect((await store.setPinned('p1', ids[0]!, true, 3)).value).toEqual([ids[1], ids[0]]);
        const same = await store.setPinned('p1', ids[0]!, true, 3);
        expect(same.seq).toBeNull();
        await store.setPinned('p1', ids[2]!, true, 3);
        await expectCode(store.setPinned('p1', ids[3]!, true, 3), 'INVALID');
        const unpinned = await store.setPinned('p1', ids[1]!, false, 3);
        expect(unpinned.value).toEqual([ids[0], ids[2]]);
        expect((await store.getPost('p1'))?.pinned).toEqual([ids[0], ids[2]]);
        await expectCode(store.setPinned('p1', 'c_missing', true, 3), 'NOT_FOUND');
        const events = await store.eventsSince('p1', 4);
        expect(events?.map((e) => e.type)).toEqual(['pins', 'pins', 'pins', 'pins']);
        expect(events?.at(-1)).toMatchObject({ type: 'pins', pinned: [ids[0], ids[2]] });
      });

      it('hides and restores; the hidden event carries no text, the restored one does', async () => {
        const { comment: c } = await comment('secret words');
        const hid = await store.setHidden('p1', c.id, true);
        expect(hid.seq).toBe(2);
        expect((await store.setHidden('p1', c.id, true)).seq).toBeNull();
        expect((await store.listComments('p1'))?.comments[0]).toMatchObject({ hidden: true, body: 'secret words' });
        await store.setHidden('p1', c.id, false);
        const events = await store.eventsSince('p1', 1);
        expect(events).toEqual([
          { type: 'hidden', seq: 2, commentId: c.id },
          { type: 'restored', seq: 3, commentId: c.id, body: 'secret words' },
        ]);
        expect(JSON.stringify(events![0])).not.toContain('secret');
      });

      it('deletes for good: tombstone kept, text gone from records and the replay log, unpinned', async () => {
        const { comment: c } = await comment('regrettable');
        await comment('reply', { parentId: c.id });
        await store.setPinned('p1', c.id, true, 3);
        await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: 'u1', active: true }]);
        const del = await store.deleteComment('p1', c.id);
        // The reaction took no sequence number.
        expect(del.seq).toBe(4);
        const page = await store.listComments('p1');
        expect(page?.comments[0]).toMatchObject({ id: c.id, deleted: true, body: '' });
        expect((await store.getPost('p1'))?.pinned).toEqual([]);
        expect((await store.getPost('p1'))?.commentCount).toBe(1);
        // The log no longer holds the text, so a replay across it becomes a snapshot.
        expect(await store.eventsSince('p1', 0)).toBeNull();
        expect(await store.eventsSince('p1', 3)).toEqual([{ type: 'deleted', seq: 4, commentId: c.id }]);
        await expectCode(store.deleteComment('p1', c.id), 'NOT_FOUND');
        await expectCode(store.setPinned('p1', c.id, true, 3), 'NOT_FOUND');
        const r = await store.applyReactions('p1', [{ commentId: c.id, kind: 'love', userId: 'u1', active: true }]);
        expect(r.results[0]).toEqual({ ok: false, code: 'NOT_FOUND' });
      });

      it('locks: participants cannot comment or react, facilitators still can comment', async () => {
        await store.createPost({ id: 'lk', title: 'L', hostId: host.id });
        const { comment: c } = await store.addComment({ postId: 'lk', parentId: null, body: 'x', author: alice, clientId: 'lock-key-1' });
        const res = await store.updateSettings('lk', { locked: true });
        expect(res.value).toEqual({ locked: true, slowModeSeconds: 0 });
        expect(res.seq).toBe(2);
        expect((await store.updateSettings('lk', { locked: true })).seq).toBeNull();
        await expectCode(store.addComment({ postId: 'lk', parentId: null, body: 'y', author: alice, clientId: 'lock-key-2' }), 'LOCKED');
        const r = await store.applyReactions('lk', [{ commentId: c.id, kind: 'like', userId: alice.id, active: true }]);
        expect(r.results[0]).toEqual({ ok: false, code: 'LOCKED' });
        expect(r.version).toBe(0);
        const hostNote = await store.addComment({ postId: 'lk', parentId: null, body: 'back soon', author: host, clientId: 'lock-key-3' });
        expect(hostNote.comment.byFacilitator).toBe(true);
        expect((await store.listComments('lk'))?.seq).toBe(3);
        // A resend of a comment stored before the lock is still answered with it.
        expect((await store.addComment({ postId: 'lk', parentId: null, body: 'x', author: alice, clientId: 'lock-key-1' })).duplicate).toBe(true);
      });

      it('slow mode: one comment per interval per participant, with the wait in the error', async () => {
        await store.createPost({ id: 'sl', title: 'S', hostId: host.id });
        await store.updateSettings('sl', { slowModeSeconds: 30 });
        const write = (author: typeof alice, key: string) =>
          store.addComment({ postId: 'sl', parentId: null, body: 'hi', author, clientId: key });
        await write(alice, 'slow-key-1');
        const err = await write(alice, 'slow-key-2').then(
          () => null,
          (e: AppError) => e,
        );
        expect(err?.code).toBe('RATE_LIMITED');
        expect(err?.retryAfterMs).toBeGreaterThan(25_000);
        expect(err?.retryAfterMs).toBeLessThanOrEqual(30_000);
        await write(bob, 'slow-key-3'); // another person is not slowed by Alice
        await write(host, 'slow-key-4');
        await write(host, 'slow-key-5'); // facilitators are exempt
        expect((await store.listComments('sl'))?.comments).toHaveLength(4);
      });

      it('refuses a removed person comments and reactions', async () => {
        const { comment: c } = await comment('target');
        await store.setBanned('p1', bob.id, true);
        await expectCode(comment('let me in', { author: bob }), 'FORBIDDEN');
        const r = await store.applyReactions('p1', [{ commentId: c.id, kind: 'like', userId: bob.id, active: true }]);
        expect(r.results[0]).toEqual({ ok: false, code: 'FORBIDDEN' });
        await store.setBanned('p1', bob.id, false);
        expect((await comment('thanks', { author: bob })).duplicate).toBe(false);
      });

      it("refuses removed people's reactions in a mixed batch, with a few removed and with over a thousand", async () => {
        const { comment: c } = await comment('target');
        const batch = (kind: 'like' | 'wow') => [
          { commentId: c.id, kind, userId: 'r-7', active: true },
          { commentId: c.id, kind, userId: alice.id, active: true },
          { commentId: c.id, kind, userId: 'r-1000', active: true },
        ];
        await store.setBanned('p1', 'r-7', true);
        await store.setBanned('p1', 'r-1000', true);
        const few = await store.applyReactions('p1', batch('like'));
        expect(few.results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['FORBIDDEN', 'ok', 'FORBIDDEN']);
        // The Redis script reads a small removed set once per batch and asks per person for a big one.
        for (let i = 0; i <= 1_000; i++) await store.setBanned('p1', `r-${i}`, true);
        const many = await store.applyReactions('p1', batch('wow'));
        expect(many.results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['FORBIDDEN', 'ok', 'FORBIDDEN']);
        expect(many.totals).toEqual([{ commentId: c.id, counts: { like: 1, love: 0, laugh: 0, wow: 1 } }]);
      });

      it('keeps a moderation log, newest first, capped', async () => {
        for (let i = 0; i < 5; i++) {
          await store.appendModLog('p1', { at: i, by: host, action: 'pin', target: `c${i}`, detail: null }, { routine: 3, kept: 3 });
        }
        expect((await store.modLog('p1')).map((e) => e.target)).toEqual(['c4', 'c3', 'c2']);
      });

      it('keeps destructive log entries whatever the volume of routine ones, merged newest first', async () => {
        const caps = { routine: 500, kept: 5_000 };
        const log = (action: 'pin' | 'unpin' | 'delete' | 'ban' | 'claim', target: string, at: number) =>
          store.appendModLog('p1', { at, by: host, action, target, detail: null }, caps);
        await log('claim', host.id, 1);
        await log('delete', 'c_gone', 2);
        await log('ban', 'u_troll', 3);
        for (let i = 0; i < 520; i++) await log(i % 2 === 0 ? 'pin' : 'unpin', 'c_pinned', 10 + i);
        await log('delete', 'c_late', 600);
        const entries = await store.modLog('p1');
        expect(entries).toHaveLength(500 + 4);
        expect(entries[0]).toMatchObject({ action: 'delete', target: 'c_late' });
        expect(entries.slice(-3).map((e) => e.action)).toEqual(['ban', 'delete', 'claim']);
        expect(entries.slice(1, -3).every((e) => e.action === 'pin' || e.action === 'unpin')).toBe(true);
      });

      it('after a delete the log says "deleted comment", never the first words, also in entries written before', async () => {
        const caps = { routine: 500, kept: 5_000 };
        const { comment: c } = await comment('first words of a regrettable comment');
        const { comment: other } = await comment('another comment');
        const about = (id: string, action: 'hide' | 'restore', detail: string) =>
          store.appendModLog('p1', { at: Date.now(), by: host, action, target: id, detail }, caps);
        await about(c.id, 'hide', 'first words of a regrettable…');
        await about(c.id, 'restore', 'first words of a regrettable…');
        await about(other.id, 'hide', 'another comment');
        await store.deleteComment('p1', c.id);
        // One written late (a hide acted on just before the delete, logged just after) loses its words too.
        await about(c.id, 'hide', 'first words of a regrettable…');
        const entries = await store.modLog('p1');
        expect(JSON.stringify(entries)).not.toContain('regrettable');
        expect(entries.filter((e) => e.target === c.id).map((e) => e.detail)).toEqual(['deleted comment', 'deleted comment', 'deleted comment']);
        expect(entries.find((e) => e.target === other.id)?.detail).toBe('another comment');
      });

      it('a delete erases the text from restored events in the replay log too', async () => {
        const { comment: c } = await comment('said then regretted');
        await store.setHidden('p1', c.id, true);
        await store.setHidden('p1', c.id, false);
        await store.deleteComment('p1', c.id);
        // Both engines keep what remains readable; none of it carries the text.
        for (let since = 0; since <= 4; since++) expect(JSON.stringify(await store.eventsSince('p1', since))).not.toContain('regretted');
      });

      it('reports comment states for redaction: author, hidden, deleted; unknown ids left out', async () => {
        const { comment: a } = await comment('a');
        const { comment: b } = await comment('b', { author: bob });
        await store.setHidden('p1', a.id, true);
        await store.deleteComment('p1', b.id);
        const states = await store.commentStates('p1', [a.id, b.id, 'c_missing']);
        expect(Object.fromEntries(states)).toEqual({
          [a.id]: { authorId: alice.id, hidden: true, deleted: false },
          [b.id]: { authorId: bob.id, hidden: false, deleted: true },
        });
        expect((await store.commentStates('p1', [])).size).toBe(0);
      });

      it('lists co-hosts creator first, removes one (never the creator), and rotates the link hash', async () => {
        await store.createPost({ id: 'co', title: 'Co', hostId: host.id, hostName: 'Host', hostTokenHash: 'ab'.repeat(32) });
        await store.addHost('co', bob.id, 'Bob');
        await store.addHost('co', alice.id, 'Alice');
        expect(await store.hosts('co')).toEqual([
          { id: host.id, name: 'Host', creator: true },
          { id: alice.id, name: 'Alice', creator: false },
          { id: bob.id, name: 'Bob', creator: false },
        ]);
        expect(await store.removeHost('co', bob.id)).toBe(true);
        expect(await store.removeHost('co', bob.id)).toBe(false);
        expect(await store.role('co', bob.id)).toBe('participant');
        await expectCode(store.removeHost('co', host.id), 'INVALID');
        expect(await store.role('co', host.id)).toBe('facilitator');
        await expectCode(store.removeHost('nope', bob.id), 'NOT_FOUND');
        expect((await store.hosts('co')).map((h) => h.id)).toEqual([host.id, alice.id]);
        await store.setHostTokenHash('co', 'cd'.repeat(32));
        expect(await store.hostTokenHash('co')).toBe('cd'.repeat(32));
        await expectCode(store.setHostTokenHash('nope', 'cd'.repeat(32)), 'NOT_FOUND');
        // Rotating keeps the role of those who hold it.
        expect(await store.role('co', alice.id)).toBe('facilitator');
      });
    });

    describe('presence', () => {
      it('sums viewers over nodes and forgets a node that reports zero', async () => {
        await store.heartbeat('n1');
        await store.heartbeat('n2');
        expect(await store.setViewers('n1', 'p1', 3)).toBe(3);
        expect(await store.setViewers('n2', 'p1', 2)).toBe(5);
        expect(await store.setViewers('n1', 'p1', 0)).toBe(2);
        expect(await store.viewers(['p1', 'other'])).toEqual({ p1: 2, other: 0 });
      });
    });
  });
}
