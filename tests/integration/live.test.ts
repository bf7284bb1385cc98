/**
 * The live slice on a real server: one viewer acts, the others must see it.
 * Runs on both engines.
 */
import { describe, expect, it } from 'vitest';
import { connect, join, nextPostEvent, nextTotals, postComment, recordEvents, snapshotComments, unwrap, waitFor } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';
import type { ReactionSetResult, Result } from '@board/shared';

describe.each<Engine>(['memory', 'redis'])('live comments and reactions (%s engine)', (engine) => {
  const board = boardForSuite(engine, ['watch', 'other']);

  it('delivers a comment to viewers of the same post only', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const b = await connect(board.url);
    const c = await connect(board.url);
    await join(a, 'watch');
    await join(b, 'watch');
    await join(c, 'other');
    const cSaw = recordEvents(c);

    const seen = nextPostEvent(b, (e) => e.type === 'comment');
    const acked = await postComment(a, 'watch', 'The storm is coming');
    const { postId, event } = await seen;
    expect(postId).toBe('watch');
    expect(event).toEqual({ type: 'comment', seq: acked.seq, comment: acked });
    expect(acked).toMatchObject({ body: 'The storm is coming', author: { id: a.session.user.id, name: 'Ana' } });

    // Anything for "watch" would reach C before this later comment on its own post
    // (one server, one connection: frames keep their order), so C saw nothing else.
    const marker = nextPostEvent(c, (e) => e.type === 'comment');
    await postComment(a, 'other', 'marker');
    await marker;
    expect(cSaw.map((s) => s.postId)).toEqual(['other']);
  });

  it('broadcasts reaction totals and acks the setter with the counts', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const b = await connect(board.url, { name: 'Ben' });
    await join(a, 'watch');
    await join(b, 'watch');
    const target = await postComment(a, 'watch', 'react here');

    const seenOn = nextTotals(a, (t) => t.totals.some((c) => c.commentId === target.id));
    // The ack is optional in the event map (ack-less clicks get receipts), so its type is spelled out here.
    const answer: Result<ReactionSetResult> = await b.emitWithAck('reaction:set', { postId: 'watch', commentId: target.id, kind: 'love', active: true });
    const ack = unwrap(answer);
    // Totals travel outside the ordered log: no sequence number, a version instead, the same in the ack.
    const on = (await seenOn).totals;
    expect(on).toEqual({ version: expect.any(Number), totals: [{ commentId: target.id, counts: { like: 0, love: 1, laugh: 0, wow: 0 } }] });
    expect(ack).toEqual({ active: true, counts: { like: 0, love: 1, laugh: 0, wow: 0 }, version: on.version });
    expect(on).not.toHaveProperty('seq');

    const seenOff = nextTotals(a, (t) => t.totals.some((c) => c.commentId === target.id && c.counts.love === 0));
    unwrap(await b.emitWithAck('reaction:set', { postId: 'watch', commentId: target.id, kind: 'love', active: false }));
    expect((await seenOff).totals.version).toBeGreaterThan(on.version);

    // A late joiner's snapshot carries the counts and, for the person who reacted, their own state.
    unwrap(await b.emitWithAck('reaction:set', { postId: 'watch', commentId: target.id, kind: 'wow', active: true }));
    const late = await connect(board.url, { token: b.session.token });
    const snap = await join(late, 'watch');
    expect(snap.mode).toBe('snapshot');
    if (snap.mode !== 'snapshot') return;
    expect(snapshotComments(snap).find((c) => c.id === target.id)?.reactions).toEqual({ like: 0, love: 0, laugh: 0, wow: 1 });
    expect(snap.mine[target.id]).toEqual(['wow']);
  });

  it('gives exact totals when many clients react at once', async () => {
    const author = await connect(board.url, { name: 'Host' });
    await join(author, 'watch');
    const target = await postComment(author, 'watch', 'everyone press like');
    const crowd = await Promise.all(Array.from({ length: 40 }, (_, i) => connect(board.url, { name: `Fan ${i}` })));
    const acks = await Promise.all(
      crowd.map((s) => s.emitWithAck('reaction:set', { postId: 'watch', commentId: target.id, kind: 'like', active: true })),
    );
    expect(acks.every((r) => r.ok)).toBe(true);
    const page = await board.store.listComments('watch');
    expect(page?.comments.find((c) => c.id === target.id)?.reactions.like).toBe(40);
  });

  it('lets a late joiner see everything, then the live stream, with nothing missing or doubled', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    await join(a, 'watch');
    const before = await postComment(a, 'watch', 'before the late joiner');
    const late = await connect(board.url);
    const seen = recordEvents(late);
    const snap = await join(late, 'watch');
    if (snap.mode !== 'snapshot') throw new Error('expected a snapshot');
    expect(snapshotComments(snap).map((c) => c.id)).toContain(before.id);
    expect(snap.seq).toBeGreaterThanOrEqual(before.seq);
    const after = nextPostEvent(late, (e) => e.type === 'comment' && e.comment.body === 'after');
    const made = await postComment(a, 'watch', 'after');
    expect((await after).event.seq).toBe(made.seq);
    expect(made.seq).toBeGreaterThan(snap.seq);
    expect(seen.filter((s) => s.event.seq > snap.seq).map((s) => s.event.seq)).toEqual([made.seq]);
  });

  it('replays what a returning viewer missed from its last sequence number', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const snap = await join(a, 'watch');
    const from = snap.seq;
    const x = await postComment(a, 'watch', 'missed one');
    const y = await postComment(a, 'watch', 'missed two');
    const back = await connect(board.url);
    const res = await join(back, 'watch', from);
    expect(res.mode).toBe('replay');
    if (res.mode !== 'replay') return;
    expect(res.events.map((e) => e.seq)).toEqual([x.seq, y.seq]);
    expect(res.seq).toBe(y.seq);
  });

  it('keeps replies attached to their parent', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const b = await connect(board.url, { name: 'Ben' });
    await join(a, 'watch');
    await join(b, 'watch');
    const parent = await postComment(a, 'watch', 'question?');
    const seen = nextPostEvent(a, (e) => e.type === 'comment' && e.comment.parentId === parent.id);
    const reply = await postComment(b, 'watch', 'answer!', parent.id);
    expect((await seen).event).toMatchObject({ comment: { id: reply.id, parentId: parent.id, author: { name: 'Ben' } } });
  });

  it('counts viewers live as people arrive and leave', async () => {
    await board.store.createPost({ id: `presence-${engine}`, title: 'P', description: '', body: '' });
    const postId = `presence-${engine}`;
    const a = await connect(board.url);
    const two = waitFor(a, 'presence', (p) => p.postId === postId && p.viewers === 2);
    await join(a, postId);
    const b = await connect(board.url);
    await join(b, postId);
    await two;
    const one = waitFor(a, 'presence', (p) => p.postId === postId && p.viewers === 1);
    b.disconnect();
    await one;
  });

  it("sends a crowd's arrivals as a few presence frames that end on the right count", async () => {
    // The default PRESENCE_FRAME_MS (2 s): the room hears a count at most once per that time.
    const postId = `crowd-${engine}`;
    await board.store.createPost({ id: postId, title: 'Crowd' });
    const watcher = await connect(board.url);
    await join(watcher, postId);
    const counts: number[] = [];
    watcher.on('presence', (p) => p.postId === postId && counts.push(p.viewers));
    const started = Date.now();
    const all = waitFor(watcher, 'presence', (p) => p.postId === postId && p.viewers === 11);
    // Arrivals spread over more than the 250 ms presence flushes, so that without the
    // spacing each flush would change the count and send a frame (about ten of them).
    for (let i = 0; i < 10; i++) {
      await join(await connect(board.url), postId);
      await new Promise((r) => setTimeout(r, 300));
    }
    await all;
    const elapsedMs = Date.now() - started;
    expect(counts.at(-1)).toBe(11);
    expect(counts.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 2_000) + 2);
  });

  it('counts a person with several tabs open once', async () => {
    await board.store.createPost({ id: `tabs-${engine}`, title: 'T' });
    const postId = `tabs-${engine}`;
    const watcher = await connect(board.url);
    await join(watcher, postId);
    const me = await connect(board.url);
    const sameMe = await connect(board.url, { token: me.session.token });
    const two = waitFor(watcher, 'presence', (p) => p.postId === postId && p.viewers === 2);
    await join(me, postId);
    await join(sameMe, postId);
    await two;
    // A third person arrives: three, so the two tabs really were counted as one.
    const third = await connect(board.url);
    const three = waitFor(watcher, 'presence', (p) => p.postId === postId && p.viewers === 3);
    await join(third, postId);
    await three;
  });

  it('tells the lobby about new comments and viewers', async () => {
    const lobby = await connect(board.url);
    unwrap(await lobby.emitWithAck('lobby:join'));
    const a = await connect(board.url, { name: 'Ana' });
    await join(a, 'other');
    const before = (await board.store.getPost('other'))!.commentCount;
    const stats = waitFor(
      lobby,
      'lobby:stats',
      (s) => s.postId === 'other' && s.commentCount === before + 1,
    );
    await postComment(a, 'other', 'lobby should hear');
    await stats;
  });
});
