/**
 * The event clock on real servers and clients: a facilitator's controls reach
 * every viewer on two nodes over Redis, in order with the comments; participants
 * and bad values are refused with their codes and change nothing; comments are
 * stamped on the server; the clock is in the store, so a restarted node has it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ClockControlRequest, EventClock, PostEvent, Result } from '@board/shared';
import { clientId, closeAll, connect, join, postComment, recordEvents, unwrap, untilCount, type Client, clockControl, eventPost } from '../support/clients.js';
import { startBoard, uniquePrefix, type Board, type Engine } from '../support/board.js';

type Emit = (event: string, ...args: unknown[]) => Promise<Result<unknown>>;
/** Sends anything, as a modified client could. */
const raw = (socket: Client, event: string, payload: unknown) => (socket.emitWithAck as unknown as Emit)(event, payload);
const control = clockControl;
const hostPost = (host: Client) => eventPost(host, Date.now() + 60_000);

describe.each<Engine>(['memory', 'redis'])('event clock (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let guest: Client;
  let postId: string;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl') });
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

  const stored = async () => ({ seq: (await board.store.heads([postId]))[postId], clock: (await board.store.getPost(postId))!.clock });

  it('refuses every clock control from a participant, and changes nothing', async () => {
    for (const state of ['none', 'live'] as const) {
      if (state === 'live') await control(host, { postId, action: 'start' });
      const before = await stored();
      const attempts: ClockControlRequest[] = [
        { postId, action: 'start' },
        { postId, action: 'pause' },
        { postId, action: 'resume' },
        { postId, action: 'jump', to: '1:00' },
        { postId, action: 'end' },
      ];
      for (const req of attempts) {
        expect(await raw(guest, 'clock:control', req), `${state}: ${req.action}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      expect(await stored()).toEqual(before);
    }
  });

  it('refuses each bad value with its code, and changes nothing', async () => {
    const cases: [string, unknown, string][] = [
      ['pause before the start', { postId, action: 'pause' }, 'CONFLICT'],
      ['jump before the start', { postId, action: 'jump', to: '1:00' }, 'CONFLICT'],
      ['a zero running length', { postId, action: 'start', length: '0:00' }, 'INVALID'],
      ['a negative running length', { postId, action: 'start', length: '-10:00' }, 'INVALID'],
    ];
    for (const [what, req, code] of cases) {
      const before = await stored();
      expect(await raw(host, 'clock:control', req), what).toMatchObject({ ok: false, error: { code } });
      expect(await stored(), what).toEqual(before);
    }
    await control(host, { postId, action: 'start', length: '1:30:00' });
    const running: [string, unknown, string][] = [
      ['Start when live', { postId, action: 'start' }, 'CONFLICT'],
      ['Resume when live', { postId, action: 'resume' }, 'CONFLICT'],
      ['a negative time', { postId, action: 'jump', to: '-0:30' }, 'INVALID'],
      ['not a number', { postId, action: 'jump', to: 'ab:cd' }, 'INVALID'],
      ['a number instead of a time', { postId, action: 'jump', to: 754 }, 'INVALID'],
      ['seconds past 59', { postId, action: 'jump', to: '12:75' }, 'INVALID'],
      ['past the running length', { postId, action: 'jump', to: '1:30:01' }, 'INVALID'],
      ['no time', { postId, action: 'jump' }, 'INVALID'],
      ['an unknown control', { postId, action: 'rewind' }, 'INVALID'],
      ['no post id', { action: 'pause' }, 'INVALID'],
    ];
    for (const [what, req, code] of running) {
      const before = await stored();
      expect(await raw(host, 'clock:control', req), what).toMatchObject({ ok: false, error: { code } });
      expect(await stored(), what).toEqual(before);
    }
    await control(host, { postId, action: 'end' });
    for (const [what, req] of [
      ['jump on an ended event', { postId, action: 'jump', to: '1:00' }],
      ['Start on an ended event', { postId, action: 'start' }],
      ['End twice', { postId, action: 'end' }],
    ] as const) {
      const before = await stored();
      expect(await raw(host, 'clock:control', req), what).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(await stored(), what).toEqual(before);
    }
  });

  it('stamps comments on the server: a stamp or time sent by the client is ignored', async () => {
    const before = await postComment(guest, postId, 'before the start');
    expect(before.moment).toBeNull();
    await control(host, { postId, action: 'start' });
    const jumpedAt = Date.now();
    await control(host, { postId, action: 'jump', to: '10:00' });
    const sent = { postId, parentId: null, body: 'that goal!', clientId: clientId(), moment: 5, createdAt: 1, seq: 99 };
    const made = unwrap(await raw(guest, 'comment:create', sent)) as { moment: number; createdAt: number };
    const elapsed = Date.now() - jumpedAt;
    expect(made.moment).toBeGreaterThanOrEqual(600_000);
    expect(made.moment).toBeLessThanOrEqual(600_000 + elapsed);
    expect(made.createdAt).toBeGreaterThan(1);
    const page = await board.store.listComments(postId);
    expect(page!.comments.find((c) => c.body === 'that goal!')?.moment).toBe(made.moment);
  });

  it('answers clock:ping with the server time', async () => {
    const t0 = Date.now();
    const { serverTime } = unwrap(await guest.emitWithAck('clock:ping'));
    expect(serverTime).toBeGreaterThanOrEqual(t0);
    expect(serverTime).toBeLessThanOrEqual(Date.now());
  });
});

describe('event clock on two nodes over one Redis', () => {
  const shared = () => ({ engine: 'redis' as const, redisUrl: inject('redisUrl'), prefix });
  let prefix: string;
  let one: Board;
  let two: Board;

  beforeAll(async () => {
    prefix = uniquePrefix();
    one = await startBoard({ ...shared(), nodeId: 'clock-one' });
    two = await startBoard({ ...shared(), nodeId: 'clock-two' });
  });
  afterEach(closeAll);
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('brings every control to every viewer on both nodes, in order with the comments', async () => {
    const host = await connect(one.url, { name: 'Hana Host' });
    const guest = await connect(two.url, { name: 'Gus Guest' });
    const postId = await hostPost(host);
    const viewers = [await connect(one.url), await connect(two.url)];
    const start = (await Promise.all([...viewers, host, guest].map((v) => join(v, postId))))[0]!.seq;
    const logs = viewers.map(recordEvents);

    await control(host, { postId, action: 'start', length: '1:45:00' });
    const c1 = await postComment(guest, postId, 'kick-off');
    await control(host, { postId, action: 'pause' });
    const c2 = await postComment(host, postId, 'half time');
    await control(host, { postId, action: 'resume' });
    await control(host, { postId, action: 'jump', to: '45:00' });
    const c3 = await postComment(guest, postId, 'second half');
    const ended = await control(host, { postId, action: 'end' });

    const expected = ['clock:live', 'comment', 'clock:paused', 'comment', 'clock:live', 'clock:live', 'comment', 'clock:ended'];
    const label = (e: PostEvent) => (e.type === 'clock' ? `clock:${e.clock.state}` : e.type);
    for (const [i, v] of viewers.entries()) {
      await untilCount(v, logs[i]!, (e) => e.seq > start, expected.length);
      // Frames from two nodes may arrive in either order; clients apply them by sequence number (SeqBuffer).
      const events = logs[i]!.filter((l) => l.postId === postId).map((l) => l.event).sort((a, b) => a.seq - b.seq);
      expect(events.map(label), `viewer ${i}`).toEqual(expected);
      expect(events.map((e) => e.seq)).toEqual(expected.map((_, k) => start + 1 + k));
      expect(events.at(-1)).toEqual({ type: 'clock', seq: start + 8, clock: ended });
    }
    // Stamps follow the clock: paused at some point p, the half-time comment has p; after the jump, 45:00 or a little more.
    expect(c1.moment).not.toBeNull();
    const paused = logs[0]!.find((l) => l.event.type === 'clock' && l.event.clock.state === 'paused')!.event;
    expect(paused.type === 'clock' && c2.moment === paused.clock.positionMs).toBe(true);
    expect(c3.moment).toBeGreaterThanOrEqual(2_700_000);
    expect(c3.moment).toBeLessThan(2_700_000 + 10_000);
  });

  it('keeps the clock in the store: a restarted node shows it to a newcomer', async () => {
    const host = await connect(one.url, { name: 'Hana Host' });
    const postId = await hostPost(host);
    await join(host, postId);
    await control(host, { postId, action: 'start' });
    const paused = await control(host, { postId, action: 'pause' });
    closeAll();
    await one.close();
    one = await startBoard({ ...shared(), nodeId: 'clock-one' });
    const late = await connect(one.url);
    const joined = await join(late, postId);
    expect(joined.mode === 'snapshot' && joined.post.clock).toEqual(paused);
    const res = await fetch(`${one.url}/api/posts/${postId}`);
    expect(((await res.json()) as { post: { clock: EventClock } }).post.clock).toEqual(paused);
  });
});
