/**
 * The event clock in storage, on both engines: a clock change takes the post's
 * next sequence number with its event, reads back as written (also through a
 * second store on the same data), is refused when the clock changed meanwhile
 * (nothing stored), and comments are stamped with the event time at acceptance.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { AppError, type EventClock } from '@board/shared';
import type { Store } from '@board/realtime';
import { CONTRACT_ENGINES, contractStore, uniquePrefix } from '../support/board.js';

const alice = { id: 'u_alice', name: 'Alice' };

// Redis also as a 3-master cluster (docs/decisions/0024-redis-cluster.md).
for (const engine of CONTRACT_ENGINES) {
  describe(`event clock storage: ${engine}`, () => {
    let store: Store;
    const opened: Store[] = [];
    let prefix = '';
    const open = (): Store => {
      const s = contractStore(engine, { redisUrl: inject('redisUrl'), clusterNodes: inject('redisClusterNodes') }, { prefix });
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      prefix = uniquePrefix();
      store = open();
      await store.createPost({ id: 'ev', title: 'Event', description: '', body: '' });
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    const comment = (body: string, createdAt?: number, delayMs?: number) =>
      store.addComment({ postId: 'ev', parentId: null, body, author: alice, clientId: `k-${Math.random().toString(36).slice(2)}`, createdAt, delayMs });

    const live: EventClock = { state: 'live', positionMs: 0, changedAt: 1_000_000, lengthMs: 7_200_000 };

    it('starts with no clock, and a clock change takes the next sequence number with a clock event', async () => {
      expect((await store.getPost('ev'))?.clock).toBeNull();
      await comment('before');
      const written = await store.setClock('ev', null, live);
      expect(written).toEqual({ seq: 2, value: live });
      expect((await store.getPost('ev'))?.clock).toEqual(live);
      expect((await store.listPosts()).find((p) => p.id === 'ev')?.clock).toEqual(live);
      expect(await store.eventsSince('ev', 1)).toEqual([{ type: 'clock', seq: 2, clock: live }]);
      const after = await comment('after');
      expect(after.comment.seq).toBe(3);
    });

    it('survives reading back through another store on the same data', async () => {
      await store.setClock('ev', null, live);
      const paused: EventClock = { ...live, state: 'paused', positionMs: 65_000, changedAt: 1_065_000 };
      await store.setClock('ev', live, paused);
      if (engine !== 'memory') {
        const again = open();
        expect((await again.getPost('ev'))?.clock).toEqual(paused);
        expect((await again.eventsSince('ev', 0))?.map((e) => e.type)).toEqual(['clock', 'clock']);
      } else {
        expect((await store.getPost('ev'))?.clock).toEqual(paused);
      }
    });

    it('refuses a write made from a clock that changed meanwhile, and changes nothing', async () => {
      await store.setClock('ev', null, live);
      const head = (await store.heads(['ev'])).ev;
      // Someone else's write worked out from "no clock": stale now.
      expect(await store.setClock('ev', null, { ...live, state: 'ended' })).toBeNull();
      expect(await store.setClock('ev', { ...live, positionMs: 5 }, { ...live, state: 'ended' })).toBeNull();
      expect((await store.getPost('ev'))?.clock).toEqual(live);
      expect((await store.heads(['ev'])).ev).toBe(head);
    });

    it('refuses a clock for a missing post', async () => {
      const err = await store.setClock('nope', null, live).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('NOT_FOUND');
    });

    it('stamps each comment with the event time at which it was stored', async () => {
      expect((await comment('no event yet')).comment.moment).toBeNull();
      await store.setClock('ev', null, live);
      // Accepted 12.345 s after the clock started.
      const at = await comment('at 0:12', live.changedAt + 12_345);
      expect(at.comment.moment).toBe(12_345);
      // Past the running length, the moment stays at the end.
      expect((await comment('late', live.changedAt + 9_000_000)).comment.moment).toBe(7_200_000);
      const paused: EventClock = { ...live, state: 'paused', positionMs: 30_000, changedAt: live.changedAt + 30_000 };
      await store.setClock('ev', live, paused);
      expect((await comment('while paused', paused.changedAt + 60_000)).comment.moment).toBe(30_000);
      await store.setClock('ev', paused, { ...paused, state: 'ended' });
      expect((await comment('after the end')).comment.moment).toBeNull();
      // Read back the same, in the list and in the replay log.
      const moments = (await store.listComments('ev'))?.comments.map((c) => c.moment);
      expect(moments).toEqual([null, 12_345, 7_200_000, 30_000, null]);
      const logged = (await store.eventsSince('ev', 0))?.flatMap((e) => (e.type === 'comment' ? [e.comment.moment] : []));
      expect(logged).toEqual([null, 12_345, 7_200_000, 30_000, null]);
    });

    it("stamps a comment with a delay at the writer's playhead: the event time less the delay, within 0 and the clock", async () => {
      await store.setClock('ev', null, live);
      expect((await comment('behind', live.changedAt + 42_000, 30_000)).comment.moment).toBe(12_000);
      expect((await comment('before 0', live.changedAt + 5_000, 30_000)).comment.moment).toBe(0);
      expect((await comment('at the length', live.changedAt + 9_000_000, 30_000)).comment.moment).toBe(7_200_000);
      // Paused at 30 s: a stream 20 s behind reaches the pause 20 s later, never passes it.
      const paused: EventClock = { ...live, state: 'paused', positionMs: 30_000, changedAt: live.changedAt + 30_000 };
      await store.setClock('ev', live, paused);
      expect((await comment('pause seen late', paused.changedAt + 5_000, 20_000)).comment.moment).toBe(15_000);
      expect((await comment('pause reached', paused.changedAt + 60_000, 20_000)).comment.moment).toBe(30_000);
      // Ended: stamped only while the delayed stream has not reached the end.
      const ended: EventClock = { ...paused, state: 'ended', changedAt: paused.changedAt + 100_000 };
      await store.setClock('ev', paused, ended);
      expect((await comment('end not seen yet', ended.changedAt + 5_000, 20_000)).comment.moment).toBe(15_000);
      expect((await comment('end seen', ended.changedAt + 25_000, 20_000)).comment.moment).toBeNull();
      const logged = (await store.eventsSince('ev', 0))?.flatMap((e) => (e.type === 'comment' ? [e.comment.moment] : []));
      expect(logged).toEqual([12_000, 0, 7_200_000, 15_000, 30_000, 15_000, null]);
    });

    it('creates a post with a clock already running (demo data)', async () => {
      await store.createPost({ id: 'seeded', title: 'Seeded', clock: live });
      expect((await store.getPost('seeded'))?.clock).toEqual(live);
    });
  });
}
