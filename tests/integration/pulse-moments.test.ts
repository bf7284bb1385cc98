/**
 * The room's pulse and moments on real servers and clients: moments marked by a
 * facilitator reach every viewer on two nodes over Redis in order with the
 * comments; participants and bad values are refused with their codes and change
 * nothing; presses are stamped on the server (a client's stamp is dropped); the
 * pulse reaches viewers with the totals, at most 5 pulse frames a second, and
 * what they hear adds up to what the store counted.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  mergePulse,
  type Moment,
  type MomentChangeRequest,
  type PostEvent,
  type PulseBucket,
} from '@board/shared';
import { ask, closeAll, connect, join, postComment, recordEvents, unwrap, untilCount, type Client, clockControl, eventPost } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';
import { twoNodesForSuite } from '../support/suite-board.js';

const control = clockControl;
const change = async (socket: Client, req: MomentChangeRequest): Promise<Moment[]> => unwrap(await socket.emitWithAck('moment:change', req));

const hostPost = (host: Client) => eventPost(host);

/** Every pulse bucket a socket hears (totals frames and pulse frames), merged, with the arrival time of each pulse-bearing frame. */
function listenPulse(socket: Client, postId: string) {
  const pulse = new Map<number, PulseBucket>();
  const frames: number[] = [];
  const take = (id: string, buckets: PulseBucket[] | undefined) => {
    if (id !== postId || !buckets) return;
    frames.push(Date.now());
    mergePulse(pulse, buckets);
  };
  socket.on('post:totals', (id, totals) => take(id, totals.pulse));
  socket.on('post:pulse', take);
  return { pulse, frames };
}

/** Resolves when `check` holds, re-checking on every frame the socket hears; rejects after `ms`. */
function until(socket: Client, check: () => boolean, what: string, ms = 10_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.offAny(look);
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
    const look = () => {
      // Listeners added earlier (listenPulse) have run for this frame already.
      if (!check()) return;
      clearTimeout(timer);
      socket.offAny(look);
      resolve();
    };
    socket.onAny(look);
  });
}

describe.each<Engine>(['memory', 'redis'])('pulse and moments (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let guest: Client;
  let postId: string;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { MOMENTS_MAX: '3' } });
  });
  beforeEach(async () => {
    host = await connect(board.url, { name: 'Hana Host' });
    guest = await connect(board.url, { name: 'Gus Guest' });
    postId = await hostPost(host);
    await join(host, postId);
    await join(guest, postId);
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  const stored = async () => ({ seq: (await board.store.heads([postId]))[postId], moments: (await board.store.getPost(postId))!.moments });

  it('marks, renames and removes moments for a facilitator, and refuses every change from a participant', async () => {
    await control(host, { postId, action: 'start', length: '1:30:00' });
    const [goal] = await change(host, { postId, action: 'mark', label: '  Goal!  ' });
    expect(goal).toMatchObject({ label: 'Goal!' });
    const both = await change(host, { postId, action: 'mark', label: 'Act 2', at: '45:00' });
    expect(both.map((m) => [m.label, m.atMs])).toEqual([
      ['Goal!', goal!.atMs],
      ['Act 2', 2_700_000],
    ]);
    const before = await stored();
    const attempts: unknown[] = [
      { postId, action: 'mark', label: 'Mine' },
      { postId, action: 'mark', label: 'Mine', at: '1:00' },
      { postId, action: 'rename', momentId: goal!.id, label: 'Own goal' },
      { postId, action: 'remove', momentId: goal!.id },
    ];
    for (const req of attempts) {
      expect(await ask(guest, 'moment:change', req), JSON.stringify(req)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await stored()).toEqual(before);
    expect((await change(host, { postId, action: 'rename', momentId: goal!.id, label: 'Own goal' }))[0]?.label).toBe('Own goal');
    expect(await change(host, { postId, action: 'remove', momentId: goal!.id })).toEqual([both[1]]);
  });

  it('refuses each bad value with its code, and changes nothing', async () => {
    const before0 = await stored();
    expect(await ask(host, 'moment:change', { postId, action: 'mark', label: 'Too soon' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await stored()).toEqual(before0);
    await control(host, { postId, action: 'start', length: '1:30:00' });
    const cases: [string, unknown, string][] = [
      ['an empty label', { postId, action: 'mark', label: '   ' }, 'INVALID'],
      ['a label of 81 characters', { postId, action: 'mark', label: 'x'.repeat(81) }, 'INVALID'],
      ['no label', { postId, action: 'mark' }, 'INVALID'],
      ['a time that is not one', { postId, action: 'mark', label: 'Goal', at: 'ab:cd' }, 'INVALID'],
      ['a negative time', { postId, action: 'mark', label: 'Goal', at: '-0:30' }, 'INVALID'],
      ['a number instead of a time', { postId, action: 'mark', label: 'Goal', at: 754 }, 'INVALID'],
      ['past the running length', { postId, action: 'mark', label: 'Goal', at: '1:30:01' }, 'INVALID'],
      ['renaming a moment that is not there', { postId, action: 'rename', momentId: 'm_missing', label: 'x' }, 'NOT_FOUND'],
      ['removing a moment that is not there', { postId, action: 'remove', momentId: 'm_missing' }, 'NOT_FOUND'],
      ['an unknown action', { postId, action: 'move', momentId: 'm_missing' }, 'INVALID'],
      ['another post', { postId: 'p_missing', action: 'mark', label: 'Goal' }, 'FORBIDDEN'],
    ];
    for (const [what, req, code] of cases) {
      const before = await stored();
      expect(await ask(host, 'moment:change', req), what).toMatchObject({ ok: false, error: { code } });
      expect(await stored(), what).toEqual(before);
    }
    // MOMENTS_MAX is 3 on this board.
    for (const at of ['1:00', '2:00', '3:00']) await change(host, { postId, action: 'mark', label: `At ${at}`, at });
    const full = await stored();
    expect(await ask(host, 'moment:change', { postId, action: 'mark', label: 'One more' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await stored()).toEqual(full);
  });

  it('stamps presses on the server: a stamp sent by the client is dropped, and a take-back does not uncount', async () => {
    const c = await postComment(guest, postId, 'react here');
    const heard = listenPulse(guest, postId);
    await control(host, { postId, action: 'start' });
    const jumpedAt = Date.now();
    await control(host, { postId, action: 'jump', to: '10:00' });
    // A modified client sends its own stamps; the schema drops them and the server stamps now.
    const res = await ask(guest, 'reaction:set', { postId, commentId: c.id, kind: 'wow', active: true, at: 1, moment: 5, stamp: 5 });
    expect(res).toMatchObject({ ok: true });
    const elapsed = Date.now() - jumpedAt;
    const pulse = await board.store.pulse(postId);
    expect(pulse).toHaveLength(1);
    const [bucket] = pulse;
    expect(bucket![0]).toBeGreaterThanOrEqual(120);
    expect(bucket![0]).toBeLessThanOrEqual(Math.floor((600_000 + elapsed) / 5_000));
    expect(bucket!.slice(1)).toEqual([0, 0, 0, 1, 0]);
    await until(guest, () => heard.pulse.get(bucket![0])?.[4] === 1, 'the press in a pulse frame');
    unwrap(await guest.emitWithAck('reaction:set', { postId, commentId: c.id, kind: 'wow', active: false }));
    expect(await board.store.pulse(postId)).toEqual(pulse);
  });

  it('carries the pulse in the join answer, snapshot and replay alike', async () => {
    const c = await postComment(guest, postId, 'react here');
    await control(host, { postId, action: 'start' });
    const seen = await join(host, postId);
    unwrap(await guest.emitWithAck('reaction:set', { postId, commentId: c.id, kind: 'like', active: true }));
    await postComment(guest, postId, 'what a start');
    const pulse = await board.store.pulse(postId);
    expect(pulse.reduce((n, b) => n + b[1] + b[5], 0)).toBe(2);
    const late = await connect(board.url);
    expect(await join(late, postId)).toMatchObject({ mode: 'snapshot', pulse });
    expect(await join(late, postId, seen.seq, seen.totalsVersion)).toMatchObject({ mode: 'replay', pulse });
  });
});

describe('pulse and moments on two nodes over one Redis', () => {
  const { one, two } = twoNodesForSuite('pulse');

  it('brings every moment to every viewer on both nodes, in order with the comments', async () => {
    const host = await connect(one.url, { name: 'Hana Host' });
    const guest = await connect(two.url, { name: 'Gus Guest' });
    const postId = await hostPost(host);
    const viewers = [await connect(one.url), await connect(two.url)];
    await control(host, { postId, action: 'start' });
    const start = (await Promise.all([...viewers, host, guest].map((v) => join(v, postId))))[0]!.seq;
    const logs = viewers.map(recordEvents);

    const [kickOff] = await change(host, { postId, action: 'mark', label: 'Kick-off', at: '0:00' });
    await postComment(guest, postId, 'here we go');
    await change(host, { postId, action: 'mark', label: 'Goal!' });
    await postComment(guest, postId, 'what a goal');
    await change(host, { postId, action: 'rename', momentId: kickOff!.id, label: 'Kick-off (late)' });
    const last = await change(host, { postId, action: 'remove', momentId: kickOff!.id });

    const expected = ['moments:1', 'comment', 'moments:2', 'comment', 'moments:2', 'moments:1'];
    const label = (e: PostEvent) => (e.type === 'moments' ? `moments:${e.moments.length}` : e.type);
    for (const [i, v] of viewers.entries()) {
      await untilCount(v, logs[i]!, (e) => e.seq > start, expected.length);
      const events = logs[i]!.filter((l) => l.postId === postId).map((l) => l.event).sort((a, b) => a.seq - b.seq);
      expect(events.map(label), `viewer ${i}`).toEqual(expected);
      expect(events.map((e) => e.seq)).toEqual(expected.map((_, k) => start + 1 + k));
      expect(events.at(-1)).toEqual({ type: 'moments', seq: start + 6, moments: last });
    }
    // A newcomer on either node gets the same list in the snapshot.
    const late = await connect(two.url);
    expect(await join(late, postId)).toMatchObject({ mode: 'snapshot', post: { moments: last } });
  });

  it('sends viewers at most 5 pulse frames a second from both nodes, adding up to what the store counted', async () => {
    const host = await connect(one.url, { name: 'Hana Host' });
    const postId = await hostPost(host);
    await join(host, postId);
    const c = await postComment(host, postId, 'react here');
    await control(host, { postId, action: 'start' });
    const viewers = [await connect(one.url), await connect(two.url)];
    await Promise.all(viewers.map((v) => join(v, postId)));
    const heard = viewers.map((v) => listenPulse(v, postId));
    // 40 people on each node press for about 2 s, with a comment now and then.
    const people = await Promise.all(Array.from({ length: 80 }, (_, i) => connect(i % 2 ? two.url : one.url, { name: `Fan ${i}` })));
    await Promise.all(people.map((p) => join(p, postId)));
    const kinds = ['like', 'love', 'laugh', 'wow'] as const;
    const t0 = Date.now();
    let presses = 0;
    for (let round = 0; Date.now() - t0 < 2_000; round++) {
      await Promise.all(
        people.map((p, i) => {
          const kind = kinds[round % 4]!;
          // Each round turns one kind on (a press) and the one before off.
          presses += 1;
          return Promise.all([
            p.emitWithAck('reaction:set', { postId, commentId: c.id, kind, active: true }),
            p.emitWithAck('reaction:set', { postId, commentId: c.id, kind: kinds[(round + 3) % 4]!, active: false }),
            i === 0 ? postComment(p, postId, `round ${round}`) : null,
          ]);
        }),
      );
    }
    const counted = await board(one).pulse(postId);
    const reactions = counted.reduce((n, b) => n + b[1] + b[2] + b[3] + b[4], 0);
    expect(reactions).toBe(presses);
    for (const [i, v] of viewers.entries()) {
      await until(v, () => same(heard[i]!.pulse, counted), `viewer ${i} hears the whole pulse`);
      // Frames of one post are at least PULSE_FRAME_MS (200 ms) apart, whichever node sent them.
      const frames = heard[i]!.frames;
      const span = frames.at(-1)! - frames[0]!;
      expect(frames.length, `viewer ${i}: ${frames.length} frames in ${span} ms`).toBeLessThanOrEqual(Math.floor(span / 200) + 2);
    }
  });

  const board = (b: Board) => b.store;
  const same = (heard: Map<number, PulseBucket>, counted: PulseBucket[]) =>
    counted.length === heard.size && counted.every((b) => JSON.stringify(heard.get(b[0])) === JSON.stringify(b));
});
