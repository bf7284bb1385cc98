/**
 * Watch later on real servers and clients (ADR 19): `post:range` pages a joined
 * post by moment range, redacted like every read, never past the range's end;
 * a comment written in replay is stamped with the writer's playhead, cut to the
 * event so far (a forged later one is clamped, never refused), marked for
 * everyone live; before the event started it is refused and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { clampDelay, type Comment, type RangePage } from '@board/shared';
import { ask, clientId, connect, join, nextPostEvent, postComment, recordEvents, unwrap, clockControl, eventPost, type Client } from '../support/clients.js';
import { boardForSuite, twoNodesForSuite } from '../support/suite-board.js';
import type { Board, Engine } from '../support/board.js';

const send = (socket: Client, postId: string, extra: Record<string, unknown>) =>
  ask(socket, 'comment:create', { postId, parentId: null, body: `said ${clientId()}`, clientId: clientId(), ...extra });

/** Every page of [fromMs, toMs) through the socket. */
async function readRange(socket: Client, postId: string, fromMs: number, toMs: number): Promise<RangePage[]> {
  const pages: RangePage[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await socket.emitWithAck('post:range', { postId, fromMs, toMs, cursor }));
    pages.push(page);
    cursor = page.next ?? undefined;
  } while (cursor);
  return pages;
}

/** An event post, live at 10:00, with comments stamped every 10 s from 0:00 to 4:50 (seeded through the store). */
async function liveEvent(board: Board, host: Client): Promise<{ postId: string; seeded: Comment[] }> {
  const postId = await eventPost(host);
  await clockControl(host, { postId, action: 'start' });
  await clockControl(host, { postId, action: 'jump', to: '10:00' });
  const seeded: Comment[] = [];
  for (let i = 0; i < 30; i++) {
    const author = { id: `u_seed${i % 3}`, name: `Seed ${i % 3}` };
    seeded.push(
      (await board.store.addComment({ postId, parentId: null, body: `at ${i * 10} s`, author, clientId: `seed-${i}-xxxxxxxx`, replayAtMs: i * 10_000 }))
        .comment,
    );
  }
  return { postId, seeded };
}

describe.each<Engine>(['memory', 'redis'])('watch later (%s engine)', (engine) => {
  // Pages of 4: the 12 comments before 2:00 come in three pages.
  const board = boardForSuite(engine, [], { REPLAY_PAGE: '4' });

  it('pages a moment range in order, never past its end, redacted for each reader; refuses bad ranges and cursors', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const guest = await connect(board.url, { name: 'Gus Guest' });
    const { postId, seeded } = await liveEvent(board, host);
    const refused = await ask(guest, 'post:range', { postId, fromMs: 0, toMs: 60_000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    for (const c of [host, guest]) await join(c, postId);
    unwrap(await host.emitWithAck('mod:hide', { postId, commentId: seeded[3]!.id, hidden: true }));

    const pages = await readRange(guest, postId, 0, 120_000);
    expect(pages.map((p) => p.comments.length)).toEqual([4, 4, 4]);
    const got = pages.flatMap((p) => p.comments);
    expect(got.map((c) => c.id)).toEqual(seeded.slice(0, 12).map((c) => c.id));
    expect(got.every((c) => c.moment! < 120_000)).toBe(true);
    expect(JSON.stringify(pages)).not.toContain('at 120 s');
    // Hidden text reaches its author and facilitators only, as on every read.
    expect(got[3]).toMatchObject({ hidden: true, body: '' });
    expect((await readRange(host, postId, 30_000, 40_000))[0]!.comments[0]).toMatchObject({ hidden: true, body: 'at 30 s' });

    for (const bad of [
      { postId, fromMs: 60_000, toMs: 60_000 },
      { postId, fromMs: -1, toMs: 60_000 },
      { postId, fromMs: 0, toMs: 60_000, cursor: 'not-a-cursor' },
      { postId, fromMs: 0, toMs: 60_000, cursor: `5000.3.${seeded[2]!.id}` },
    ]) {
      expect(await ask(guest, 'post:range', bad)).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    }
  });

  it('stamps a comment written in replay with the playhead, clamps a forged one to the event so far, marks it live for everyone', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const guest = await connect(board.url, { name: 'Gus Guest' });
    const other = await connect(board.url, { name: 'Olu Other' });
    const { postId, seeded } = await liveEvent(board, host);
    for (const c of [host, guest, other]) await join(c, postId);

    const seen = nextPostEvent(other, (e) => e.type === 'comment');
    const made = unwrap(await send(guest, postId, { replayAtMs: 61_000 })) as Comment;
    expect(made).toMatchObject({ moment: 61_000, replayed: true });
    const { event } = await seen;
    expect(event.type === 'comment' && event.comment).toMatchObject({ id: made.id, moment: 61_000, replayed: true });

    // Beyond the event so far (live at 10:00 and a bit): clamped to the event time, not refused.
    const before = Date.now();
    const forged = unwrap(await send(guest, postId, { replayAtMs: 5 * 3_600_000 })) as Comment;
    expect(forged.replayed).toBe(true);
    expect(forged.moment).toBeGreaterThanOrEqual(600_000);
    expect(forged.moment).toBeLessThanOrEqual(600_000 + (Date.now() - before) + 60_000);
    // Past what any event may last: refused by the schema, nothing stored.
    const count = (await board.store.getPost(postId))!.commentCount;
    expect(await send(guest, postId, { replayAtMs: 25 * 3_600_000 })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await send(guest, postId, { replayAtMs: -5 })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect((await board.store.getPost(postId))!.commentCount).toBe(count);
    // A later replayer at 1:01 gets it in its place.
    const around = (await readRange(other, postId, 60_000, 62_000)).flatMap((p) => p.comments);
    expect(around.map((c) => c.id)).toEqual([seeded[6]!.id, made.id]);
    expect(around[1]?.replayed).toBe(true);
    // The delay rule is untouched: no replayAtMs, no mark.
    expect((unwrap(await send(guest, postId, { delayMs: clampDelay(5_000) })) as Comment).replayed).toBeUndefined();
  });

  it('a replay join sends no comment and no live events; the HTTP range read pages like the socket one', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const later = await connect(board.url, { name: 'Lee Later' });
    const { postId, seeded } = await liveEvent(board, host);
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: seeded[29]!.id, pinned: true }));
    await join(host, postId);
    const answer = unwrap(await later.emitWithAck('post:join', { postId, replay: true }));
    expect(answer).toMatchObject({ mode: 'snapshot', pinned: [], page: { threads: [] } });
    expect(JSON.stringify(answer)).not.toContain('at 290 s');
    const heard = recordEvents(later);
    await postComment(host, postId, 'live now, ahead of any replay');
    // Frames of one connection arrive in order: a broadcast sent before this answer would be here by now.
    unwrap(await later.emitWithAck('post:range', { postId, fromMs: 0, toMs: 1_000 }));
    expect(heard).toEqual([]);
    // Written in replay without the room: stored, stamped, acked.
    expect(unwrap(await send(later, postId, { replayAtMs: 12_000 }))).toMatchObject({ moment: 12_000, replayed: true });

    const res = await fetch(`${board.url}/api/posts/${postId}/range?fromMs=0&toMs=60000`);
    const page = (await res.json()) as RangePage;
    expect(page.comments.map((c) => c.moment)).toEqual([0, 10_000, 12_000, 20_000]);
    expect(page.next).not.toBeNull();
    const rest = (await (await fetch(`${board.url}/api/posts/${postId}/range?fromMs=0&toMs=60000&cursor=${page.next}`)).json()) as RangePage;
    expect(rest.comments.map((c) => c.moment)).toEqual([30_000, 40_000, 50_000]);
    expect((await fetch(`${board.url}/api/posts/${postId}/range?fromMs=9&toMs=1`)).status).toBe(400);
  });

  it('refuses a comment in replay before the event started, storing nothing', async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const postId = await eventPost(host, Date.now() + 3_600_000);
    await join(host, postId);
    expect(await send(host, postId, { replayAtMs: 1_000 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await board.store.getPost(postId))!.commentCount).toBe(0);
  });
});

describe('watch later across nodes', () => {
  const { one, two } = twoNodesForSuite('replay');

  it('a comment written in replay on one node is read by moment range on the other', async () => {
    const host = await connect(one.url, { name: 'Hana Host' });
    const reader = await connect(two.url, { name: 'Rita Reader' });
    const { postId } = await liveEvent(one, host);
    await join(host, postId);
    await join(reader, postId);
    const seen = nextPostEvent(reader, (e) => e.type === 'comment');
    const made = unwrap(await send(host, postId, { replayAtMs: 45_500 })) as Comment;
    expect((await seen).event).toMatchObject({ comment: { id: made.id, replayed: true, moment: 45_500 } });
    const page = unwrap(await reader.emitWithAck('post:range', { postId, fromMs: 45_000, toMs: 46_000 }));
    expect(page.comments.map((c) => c.id)).toEqual([made.id]);
  });
});
