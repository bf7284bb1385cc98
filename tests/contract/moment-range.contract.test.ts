/**
 * Moment-range reads (watch later, ADR 19) on both engines: a post of 20,000
 * stamped comments, with ties on one moment, replies and comments written in
 * replay between older ones, reads back complete and in (moment, seq) order
 * across page boundaries; a cursor keeps its place while others write; a
 * comment written in replay is stamped with the writer's playhead, cut to the
 * event time. On Redis, a post written before the moment index gets it built
 * on its first range read.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { AppError, byMomentThenSeq, eventTimeAt, type Comment, type EventClock } from '@board/shared';
import { createMemoryStore, createRedisStore, redisOptions, type MomentRangeQuery, type Store } from '@board/realtime';
import { uniquePrefix, type Engine } from '../support/board.js';

const alice = { id: 'u_alice', name: 'Alice' };
const COMMENTS = 20_000;
/** Writes in flight while seeding: enough to keep Redis busy, few enough to stay in order-ish. */
const IN_FLIGHT = 400;

for (const engine of ['memory', 'redis'] as Engine[]) {
  describe(`moment ranges: ${engine}`, () => {
    let store: Store;
    let raw: Redis | null = null;
    let prefix = '';
    // Live since an hour ago: a comment accepted at t0 + x is stamped x.
    const t0 = Date.now() - 3_600_000;
    const clock: EventClock = { state: 'live', positionMs: 0, changedAt: t0, lengthMs: null };
    let key = 0;
    const write = (createdAt: number, extra: { parentId?: string | null; replayAtMs?: number; postId?: string } = {}) =>
      store
        .addComment({
          postId: extra.postId ?? 'big',
          parentId: extra.parentId ?? null,
          body: `said at ${createdAt - t0}`,
          author: alice,
          clientId: `seed-${++key}-xxxxxxxx`,
          createdAt,
          replayAtMs: extra.replayAtMs,
        })
        .then((r) => r.comment);

    /** Every page of [fromMs, toMs) in turn, `limit` at a time. */
    const walk = async (fromMs: number, toMs: number, limit: number, postId = 'big') => {
      const pages: Comment[][] = [];
      let after: MomentRangeQuery['after'];
      for (;;) {
        const page = await store.readMomentRange(postId, { fromMs, toMs, after, limit });
        pages.push(page!.comments);
        if (!page!.next) break;
        expect(page!.comments).toHaveLength(limit);
        after = page!.next;
      }
      return pages;
    };
    const stamped = async (postId = 'big') =>
      (await store.listComments(postId))!.comments.filter((c) => c.moment !== null).sort(byMomentThenSeq);

    beforeAll(async () => {
      prefix = uniquePrefix();
      store =
        engine === 'memory'
          ? createMemoryStore()
          : createRedisStore({ redis: new Redis(inject('redisUrl'), redisOptions), prefix, ownsConnection: true });
      if (engine === 'redis') raw = new Redis(inject('redisUrl'), redisOptions);
      await store.createPost({ id: 'big', title: 'Big event', clock });
      // Four comments per moment (250 ms apart), a reply every ninth, written a batch at a time.
      const first = await write(t0);
      for (let i = 1; i < COMMENTS; i += IN_FLIGHT) {
        const batch = [];
        for (let j = i; j < Math.min(COMMENTS, i + IN_FLIGHT); j++) {
          batch.push(write(t0 + Math.floor(j / 4) * 250, { parentId: j % 9 === 0 ? first.id : null }));
        }
        await Promise.all(batch);
      }
    }, 120_000);
    afterAll(async () => {
      await store.close();
      raw?.disconnect();
    });

    it('reads 20,000 comments back complete and in (moment, seq) order across page boundaries', async () => {
      const all = await stamped();
      expect(all).toHaveLength(COMMENTS);
      const pages = await walk(0, 2 * 3_600_000, 500);
      expect(pages.map((p) => p.length).slice(0, -1).every((n) => n === 500)).toBe(true);
      expect(pages.flat().map((c) => c.id)).toEqual(all.map((c) => c.id));
      // A range in the middle, cut by pages of an odd size that split runs of one moment.
      const [from, to] = [60_000, 180_000];
      const inRange = all.filter((c) => c.moment! >= from && c.moment! < to);
      expect(inRange.length).toBeGreaterThan(1_000);
      const odd = await walk(from, to, 137);
      expect(odd.flat().map((c) => c.id)).toEqual(inRange.map((c) => c.id));
      expect(odd.flat().every((c, i, list) => i === 0 || byMomentThenSeq(list[i - 1]!, c) < 0)).toBe(true);
      // Nothing stamped at or after the end of the range is ever in a page of it.
      expect(odd.flat().every((c) => c.moment! < to)).toBe(true);
      // An empty range and a range past the last comment.
      expect((await store.readMomentRange('big', { fromMs: 10, toMs: 249, limit: 50 }))!.comments).toEqual([]);
      expect((await store.readMomentRange('big', { fromMs: 3_000_000, toMs: 3_100_000, limit: 50 }))).toMatchObject({ comments: [], next: null });
      expect(await store.readMomentRange('missing', { fromMs: 0, toMs: 1, limit: 5 })).toBeNull();
    });

    it('keeps a cursor in place while others write, before it and after it; refuses a forged one', async () => {
      const first = await store.readMomentRange('big', { fromMs: 100_000, toMs: 110_000, limit: 30 });
      const cursor = first!.next!;
      expect(cursor).toMatchObject({ moment: first!.comments.at(-1)!.moment, seq: first!.comments.at(-1)!.seq });
      // Written in replay on both sides of the cursor, and live now (stamped an hour in).
      const before = await write(Date.now(), { replayAtMs: cursor.moment - 500 });
      const tied = await write(Date.now(), { replayAtMs: cursor.moment });
      const beyond = await write(Date.now(), { replayAtMs: 105_000 });
      await write(Date.now());
      const next = await store.readMomentRange('big', { fromMs: 100_000, toMs: 110_000, after: cursor, limit: 10_000 });
      const expected = (await stamped()).filter((c) => byMomentThenSeq(c, cursor) > 0 && c.moment! < 110_000);
      expect(next!.comments.map((c) => c.id)).toEqual(expected.map((c) => c.id));
      const ids = next!.comments.map((c) => c.id);
      // Same moment as the cursor but a later seq: after it. Earlier moment: not repeated, not here.
      expect(ids).toContain(tied.id);
      expect(ids).toContain(beyond.id);
      expect(ids).not.toContain(before.id);
      expect(ids).not.toContain(first!.comments[0]!.id);
      expect(next!.next).toBeNull();

      for (const forged of [
        { ...cursor, moment: cursor.moment + 1 },
        { ...cursor, seq: cursor.seq + 1 },
        { ...cursor, id: 'c_nobody' },
      ]) {
        const err = await store.readMomentRange('big', { fromMs: 0, toMs: 200_000, after: forged, limit: 5 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('INVALID');
      }
    });

    it('stamps a comment written in replay with the playhead, cut to the event time, and marks it', async () => {
      const now = Date.now();
      const early = await write(now, { replayAtMs: 12_345 });
      expect(early).toMatchObject({ moment: 12_345, replayed: true });
      // A forged playhead beyond the event so far is cut to the event time at acceptance.
      const forged = await write(now, { replayAtMs: 20 * 3_600_000 });
      expect(forged.moment).toBe(eventTimeAt(clock, now));
      expect(forged.replayed).toBe(true);
      // Comments written live carry no mark.
      expect((await write(now)).replayed).toBeUndefined();
      const stored = (await store.listComments('big'))!.comments.find((c) => c.id === early.id);
      expect(stored).toMatchObject({ moment: 12_345, replayed: true });
      const page = await store.readMomentRange('big', { fromMs: 12_345, toMs: 12_346, limit: 10 });
      expect(page!.comments.map((c) => c.id)).toEqual([early.id]);
      expect(page!.comments[0]).toMatchObject({ replayed: true, moment: 12_345 });
      // After the End: stamped up to the end, never past it.
      await store.createPost({ id: 'ended', title: 'Ended', clock: { state: 'ended', positionMs: 90_000, changedAt: t0, lengthMs: null } });
      expect((await write(now, { replayAtMs: 95_000, postId: 'ended' })).moment).toBe(90_000);
      // Not started: nothing to watch later; the store stamps nothing (the handler refuses before).
      await store.createPost({ id: 'later', title: 'Not yet' });
      expect((await write(now, { replayAtMs: 5_000, postId: 'later' })).moment).toBeNull();
    });

    it.runIf(engine === 'redis')('builds the moment index of a post written before it, on its first range read', async () => {
      await store.createPost({ id: 'old', title: 'Old', clock });
      for (let i = 0; i < 30; i++) await write(t0 + (30 - i) * 1_000, { postId: 'old' });
      const expected = await walk(0, 60_000, 7, 'old');
      const base = `${prefix}{p:old}`;
      await raw!.hdel(`${base}:meta`, 'mindex');
      await raw!.del(`${base}:m`);
      expect(await walk(0, 60_000, 7, 'old')).toEqual(expected);
      expect(expected.flat()).toHaveLength(30);
      expect(await raw!.hget(`${base}:meta`, 'mindex')).toBe('1');
    });
  });
}
