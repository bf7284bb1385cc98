/**
 * The pulse and moments in storage, on both engines. Presses and comments are
 * counted into 5 s buckets of event time in the same write as the totals or the
 * comment, stamped with the server time at which each was accepted; counts only
 * grow; at most one pulse frame per gap per post, all stores on the same data
 * together; moments change by compare-and-set with an ordered event.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  PULSE_BUCKET_MS,
  PULSE_COMMENTS_AT,
  PULSE_KIND_AT,
  REACTION_KINDS,
  mergePulse,
  type EventClock,
  type Moment,
  type PulseBucket,
} from '@board/shared';
import type { PulseOut, ReactionOp, Store } from '@board/realtime';
import { CONTRACT_ENGINES, contractStore, uniquePrefix } from '../support/board.js';

const alice = { id: 'u_alice', name: 'Alice' };

// Redis also as a 3-master cluster (docs/decisions/0024-redis-cluster.md).
for (const engine of CONTRACT_ENGINES) {
  describe(`pulse and moments storage: ${engine}`, () => {
    let store: Store;
    const opened: Store[] = [];
    let prefix = '';
    /** A store; on Redis a second one on the same data stands for a second node. */
    const open = (pulseFrameMs = 200): Store => {
      const s = contractStore(engine, { redisUrl: inject('redisUrl'), clusterNodes: inject('redisClusterNodes') }, { prefix, pulseFrameMs });
      opened.push(s);
      return s;
    };

    const t0 = Date.now() - 3_600_000;
    const live: EventClock = { state: 'live', positionMs: 0, changedAt: t0, lengthMs: null };

    beforeEach(async () => {
      prefix = uniquePrefix();
      store = open();
      await store.createPost({ id: 'ev', title: 'Event', description: '', body: '' });
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    const comment = (createdAt?: number, s: Store = store) =>
      s.addComment({ postId: 'ev', parentId: null, body: 'hi', author: alice, clientId: `k-${Math.random().toString(36).slice(2)}`, createdAt });
    const makeComments = async (n: number, s: Store = store) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await comment(undefined, s)).comment.id);
      return ids;
    };
    /** A store whose pulse frames are at least `gapMs` apart: on Redis over the same data, in memory a new one. */
    const withGap = async (gapMs: number): Promise<Store> => {
      const s = open(gapMs);
      if (engine === 'memory') await s.createPost({ id: 'ev', title: 'Event', description: '', body: '' });
      return s;
    };
    const press = (commentId: string, userId: string, at: number, active = true, kind: ReactionOp['kind'] = 'like'): ReactionOp => ({
      commentId,
      kind,
      userId,
      active,
      at,
    });
    const asMap = (buckets: PulseBucket[]) => new Map(buckets.map((b) => [b[0], b]));

    it('counts a burst of 5,000 presses from 200 clients and some comments into the buckets they were stamped in', async () => {
      const [c1, c2, c3, c4, c5] = await makeComments(5);
      const targets = [c1!, c2!, c3!, c4!, c5!];
      await store.setClock('ev', null, live);
      // Every press is a (person, comment, kind) turned on once: 200 × 5 comments × 4 kinds = 4,000,
      // plus 1,000 presses of people who took a like back and pressed it again.
      const expected = new Map<number, PulseBucket>();
      const count = (atMs: number, field: number) => {
        const i = Math.floor((atMs - t0) / PULSE_BUCKET_MS);
        let b = expected.get(i);
        if (!b) expected.set(i, (b = [i, 0, 0, 0, 0, 0]));
        b[field]! += 1;
      };
      const clients = Array.from({ length: 200 }, (_, u) => {
        const ops: ReactionOp[] = [];
        targets.forEach((cid, k) =>
          REACTION_KINDS.forEach((kind, j) => {
            // Spread over the first ten minutes of the event, so many buckets fill.
            const at = t0 + ((u * 7_919 + k * 613 + j * 97) % 600_000);
            ops.push(press(cid, `u${u}`, at, true, kind));
            count(at, PULSE_KIND_AT[kind]);
          }),
        );
        for (let r = 0; r < 5; r++) {
          const at = t0 + 600_000 + u * 1_000 + r * 100;
          ops.push(press(targets[r]!, `u${u}`, at - 50, false), press(targets[r]!, `u${u}`, at));
          count(at, PULSE_KIND_AT.like);
        }
        return ops;
      });
      const commentTimes = Array.from({ length: 60 }, (_, i) => t0 + i * 13_001);
      for (const at of commentTimes) count(at, PULSE_COMMENTS_AT);

      const frames: PulseOut[] = [];
      const results = await Promise.all([
        ...clients.map((ops) => store.applyReactions('ev', ops)),
        ...commentTimes.map((at) => comment(at)),
      ]);
      for (const r of results) frames.push(r.pulse);

      const pulse = await store.pulse('ev');
      expect(pulse.reduce((n, b) => n + b[1] + b[2] + b[3] + b[4], 0)).toBe(5_000);
      expect(pulse.reduce((n, b) => n + b[5], 0)).toBe(60);
      expect(asMap(pulse)).toEqual(expected);
      // Totals agree: every press stands (the taken-back likes were pressed again).
      const page = await store.listComments('ev');
      const totals = page!.comments.reduce((n, c) => n + c.reactions.like + c.reactions.love + c.reactions.laugh + c.reactions.wow, 0);
      expect(totals).toBe(4_000);

      // What the frames carried, merged, plus what still waits, is the whole pulse.
      const seen = new Map<number, PulseBucket>();
      for (const f of frames) if (f && 'frame' in f) mergePulse(seen, f.frame);
      for (;;) {
        const more = await store.takePulse('ev');
        if (more === null) break;
        if ('frame' in more) mergePulse(seen, more.frame);
        else await new Promise((r) => setTimeout(r, more.retryInMs));
      }
      expect(seen).toEqual(expected);
    });

    it('counts presses, not settings: a repeat does not count, a take-back does not uncount, and nothing counts before the start', async () => {
      const [c] = await makeComments(1);
      await store.applyReactions('ev', [press(c!, 'u1', t0)]);
      expect(await store.pulse('ev')).toEqual([]);
      await store.applyReactions('ev', [press(c!, 'u1', t0, false)]);
      await store.setClock('ev', null, live);
      await store.applyReactions('ev', [press(c!, 'u1', t0 + 1_000), press(c!, 'u1', t0 + 1_500)]);
      await store.applyReactions('ev', [press(c!, 'u1', t0 + 2_000, false)]);
      await store.applyReactions('ev', [press(c!, 'u1', t0 + 7_000)]);
      await store.applyReactions('ev', [press(c!, 'u1', t0 + 8_000)]);
      expect(await store.pulse('ev')).toEqual([
        [0, 1, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
      ]);
      // Paused: stamped at the paused position, whenever accepted.
      const paused: EventClock = { ...live, state: 'paused', positionMs: 60_000, changedAt: t0 + 60_000 };
      await store.setClock('ev', live, paused);
      await store.applyReactions('ev', [press(c!, 'u2', t0 + 3_000_000, true, 'wow')]);
      await comment(t0 + 3_000_000);
      expect((await store.pulse('ev')).at(-1)).toEqual([12, 0, 0, 0, 1, 1]);
      // A press without an acceptance time is stamped now (paused: still 1:00).
      await store.applyReactions('ev', [{ commentId: c!, kind: 'laugh', userId: 'u3', active: true }]);
      expect((await store.pulse('ev')).at(-1)).toEqual([12, 0, 0, 1, 1, 1]);
    });

    it('lets one pulse frame out per gap, across stores on the same data, and keeps what waits for the next', async () => {
      const slow = await withGap(60_000);
      const [c] = await makeComments(1, slow);
      await slow.setClock('ev', null, live);
      // On Redis, a second store on the same data stands for a second node.
      const other = engine !== 'memory' ? open(60_000) : slow;
      const first = await slow.applyReactions('ev', [press(c!, 'u1', t0 + 1_000)]);
      expect(first.pulse).toEqual({ frame: [[0, 1, 0, 0, 0, 0]] });
      const second = await other.applyReactions('ev', [press(c!, 'u2', t0 + 6_000, true, 'love')]);
      expect(second.pulse).toMatchObject({ retryInMs: expect.any(Number) });
      expect((second.pulse as { retryInMs: number }).retryInMs).toBeGreaterThan(0);
      expect(await other.takePulse('ev')).toMatchObject({ retryInMs: expect.any(Number) });
      expect(await other.pulse('ev')).toEqual([
        [0, 1, 0, 0, 0, 0],
        [1, 0, 1, 0, 0, 0],
      ]);
    });

    it('sends waiting buckets once the gap has passed, and nothing when nothing waits', async () => {
      const quick = await withGap(30);
      const [c] = await makeComments(1, quick);
      await quick.setClock('ev', null, live);
      expect(await quick.takePulse('ev')).toBeNull();
      expect((await quick.applyReactions('ev', [press(c!, 'u1', t0)])).pulse).toEqual({ frame: [[0, 1, 0, 0, 0, 0]] });
      const waiting = await quick.addComment({ postId: 'ev', parentId: null, body: 'x', author: alice, clientId: 'k-waiting-1', createdAt: t0 + 1 });
      expect(waiting.pulse).toMatchObject({ retryInMs: expect.any(Number) });
      let out: PulseOut = waiting.pulse;
      while (out && 'retryInMs' in out) {
        await new Promise((r) => setTimeout(r, (out as { retryInMs: number }).retryInMs));
        out = await quick.takePulse('ev');
      }
      expect(out).toEqual({ frame: [[0, 1, 0, 0, 0, 1]] });
      expect(await quick.takePulse('ev')).toBeNull();
      // A resend of a stored comment counts nothing again.
      const again = await quick.addComment({ postId: 'ev', parentId: null, body: 'x', author: alice, clientId: 'k-waiting-1', createdAt: t0 + 1 });
      expect(again).toMatchObject({ duplicate: true, pulse: null });
      expect(await quick.pulse('ev')).toEqual([[0, 1, 0, 0, 0, 1]]);
    });

    const goal: Moment = { id: 'm1', atMs: 754_000, label: 'Goal!' };
    const act2: Moment = { id: 'm2', atMs: 60_000, label: 'Act 2' };

    it('replaces the moments by compare-and-set, in time order, with an ordered moments event', async () => {
      expect((await store.getPost('ev'))?.moments).toEqual([]);
      await comment();
      expect(await store.setMoments('ev', [], [goal])).toEqual({ seq: 2, value: [goal] });
      const both = await store.setMoments('ev', [goal], [goal, act2]);
      expect(both).toEqual({ seq: 3, value: [act2, goal] });
      // Worked out from a list that changed meanwhile: refused, nothing changes.
      expect(await store.setMoments('ev', [goal], [])).toBeNull();
      expect((await store.heads(['ev'])).ev).toBe(3);
      const read = engine !== 'memory' ? open() : store;
      expect((await read.getPost('ev'))?.moments).toEqual([act2, goal]);
      expect(await read.eventsSince('ev', 1)).toEqual([
        { type: 'moments', seq: 2, moments: [goal] },
        { type: 'moments', seq: 3, moments: [act2, goal] },
      ]);
      expect(await read.setMoments('ev', [act2, goal], [act2])).toEqual({ seq: 4, value: [act2] });
      const err = await store.setMoments('nope', [], [goal]).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('NOT_FOUND');
    });
  });
}
