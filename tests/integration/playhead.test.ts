/**
 * "My stream is behind" on real servers and clients: a comment sent with the
 * writer's stream delay is stamped with their playhead (event time less the
 * delay), bounded by the server (never below 0, never past the clock, the delay
 * cut to MAX_VIEWER_DELAY_MS); a bad delay is refused with its code and stores
 * nothing; a moment sent by the client is never taken.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Comment } from '@board/shared';
import { ask, clientId, closeAll, connect, join, nextPostEvent, unwrap, type Client, clockControl, eventPost } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

const control = clockControl;

/** Sends a comment as any client could, extra fields and all; resolves with the ack. */
const send = (socket: Client, postId: string, extra: Record<string, unknown>) =>
  ask(socket, 'comment:create', { postId, parentId: null, body: `at ${clientId()}`, clientId: clientId(), ...extra });

/** Jumps a live clock to `to` and returns the window within which the server's event time is `toMs` plus the time since. */
async function liveAt(host: Client, postId: string, to: string): Promise<{ since: number }> {
  await control(host, { postId, action: 'start' });
  const since = Date.now();
  await control(host, { postId, action: 'jump', to });
  return { since };
}

describe.each<Engine>(['memory', 'redis'])('the viewer playhead on comments (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let guest: Client;
  let other: Client;
  let postId: string;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl') });
  });
  beforeEach(async () => {
    host = await connect(board.url, { name: 'Hana Host' });
    guest = await connect(board.url, { name: 'Gus Guest' });
    other = await connect(board.url, { name: 'Olu Other' });
    postId = await eventPost(host);
    for (const c of [host, guest, other]) await join(c, postId);
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  const stored = async () => {
    const page = await board.store.listComments(postId);
    return { seq: page!.seq, bodies: page!.comments.map((c) => c.body), count: (await board.store.getPost(postId))!.commentCount };
  };

  it('stamps a comment sent with a delay at the event time less the delay, for everyone, and ignores a sent moment', async () => {
    const { since } = await liveAt(host, postId, '10:00');
    const seen = nextPostEvent(other, (e) => e.type === 'comment');
    const made = unwrap(await send(guest, postId, { delayMs: 30_000, moment: 600_000 })) as Comment;
    const elapsed = Date.now() - since;
    expect(made.moment).toBeGreaterThanOrEqual(570_000);
    expect(made.moment).toBeLessThanOrEqual(570_000 + elapsed);
    const { event } = await seen;
    expect(event.type === 'comment' && event.comment.moment).toBe(made.moment);
    const page = await board.store.listComments(postId);
    expect(page!.comments.find((c) => c.id === made.id)?.moment).toBe(made.moment);

    // No delay: the event time, as before.
    const plain = unwrap(await send(guest, postId, {})) as Comment;
    expect(plain.moment).toBeGreaterThanOrEqual(600_000);
    expect(plain.moment).toBeLessThanOrEqual(600_000 + (Date.now() - since));
  });

  it('never stamps below 0 or past the clock', async () => {
    await liveAt(host, postId, '0:20');
    const early = unwrap(await send(guest, postId, { delayMs: 120_000 })) as Comment;
    expect(early.moment).toBe(0);

    // Paused at a known position: a delayed stream is behind it, never past it.
    const pausedAt = Date.now();
    const paused = await control(host, { postId, action: 'pause' });
    const behind = unwrap(await send(guest, postId, { delayMs: 10_000 })) as Comment;
    expect(behind.moment).toBeGreaterThanOrEqual(Math.max(0, paused.positionMs - 10_000));
    expect(behind.moment).toBeLessThanOrEqual(paused.positionMs);
    expect(behind.moment).toBeLessThanOrEqual(Math.max(0, paused.positionMs - 10_000) + (Date.now() - pausedAt));

    // Ended: a comment without a delay has no moment, one from a stream still behind the end has its playhead.
    const ended = await control(host, { postId, action: 'end' });
    const after = unwrap(await send(guest, postId, {})) as Comment;
    expect(after.moment).toBeNull();
    const late = unwrap(await send(guest, postId, { delayMs: 60_000 })) as Comment;
    expect(late.moment).not.toBeNull();
    expect(late.moment).toBeLessThan(ended.positionMs);
  });

  it('refuses a bad delay with INVALID and stores nothing', async () => {
    await liveAt(host, postId, '5:00');
    const before = await stored();
    const cases: [string, unknown][] = [
      ['negative', -1],
      ['over two minutes', 120_001],
      ['not whole', 1_500.5],
      ['a string', '30000'],
      ['null', null],
      ['huge', 1e21],
    ];
    for (const [what, delayMs] of cases) {
      const res = await send(guest, postId, { delayMs });
      expect(res, what).toMatchObject({ ok: false, error: { code: 'INVALID' } });
      expect(res.ok === false && res.error.message, what).toBeTruthy();
    }
    expect(await stored()).toEqual(before);
  });
});

describe('MAX_VIEWER_DELAY_MS', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: 'memory', env: { MAX_VIEWER_DELAY_MS: '10000' } });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('cuts a longer delay down to the configured one', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const postId = unwrap(await host.emitWithAck('post:create', { title: 'Match night', description: '', scheduledAt: null })).post.id;
    await join(host, postId);
    const { since } = await liveAt(host, postId, '10:00');
    const made = unwrap(await send(host, postId, { delayMs: 60_000 })) as Comment;
    expect(made.moment).toBeGreaterThanOrEqual(590_000);
    expect(made.moment).toBeLessThanOrEqual(590_000 + (Date.now() - since));
  });
});
