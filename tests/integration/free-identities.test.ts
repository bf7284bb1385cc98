/**
 * Fresh guest sessions are free, so per-person controls alone do not hold:
 * these are the per-address checks beside them (limits/identity-guard.ts).
 * Every client here shares one address, 127.0.0.1, as a script's sessions would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { clientId, closeAll, connect, join, postComment, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

const BUDGETS = {
  RATE_LIMIT_FACTOR: '1',
  ADDRESS_REACTORS_PER_COMMENT: '5',
  SLOW_MODE_PER_ADDRESS: '1',
  NEW_SESSION_COMMENTS_PER_ADDRESS: '4',
};

const comment = (s: Client, postId: string, body: string) =>
  s.emitWithAck('comment:create', { postId, parentId: null, body, clientId: clientId() });

describe.each<Engine>(['memory', 'redis'])('free guest identities (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let postId: string;
  beforeAll(async () => {
    // Sessions count as new for 0 s here; the new-session budget has its own board below.
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { ...BUDGETS, NEW_SESSION_S: '0' } });
  });
  afterAll(() => board.close());
  afterEach(closeAll);

  const hostPost = async () => {
    host = await connect(board.url, { name: 'Hana Host' });
    postId = unwrap(await host.emitWithAck('post:create', { title: 'Finale' })).post.id;
    await join(host, postId);
  };

  it('refuses a reaction from a person without a name with NAME_REQUIRED, storing nothing', async () => {
    await hostPost();
    const target = await postComment(host, postId, 'react to me');
    const anon = await connect(board.url);
    await join(anon, postId);
    const res = await anon.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'love', active: true });
    expect(res).toMatchObject({ ok: false, error: { code: 'NAME_REQUIRED' } });
    expect(await board.store.myReactions(postId, anon.session.user.id)).toEqual({});
  });

  it('lets only a few different people from one address move a total', async () => {
    await hostPost();
    const target = await postComment(host, postId, 'press love');
    const crowd = await Promise.all(Array.from({ length: 40 }, (_, i) => connect(board.url, { name: `Fresh ${i}` })));
    await Promise.all(crowd.map((s) => join(s, postId)));
    const res = await Promise.all(crowd.map((s) => s.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'love', active: true })));
    expect(res.filter((r) => r.ok)).toHaveLength(5);
    expect(res.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toHaveLength(35);
    const stored = (await board.store.listComments(postId))!.comments.find((c) => c.id === target.id)!;
    expect(stored.reactions.love).toBe(5);
    // Those counted may still take theirs back.
    const counted = crowd[res.findIndex((r) => r.ok)]!;
    expect(await counted.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'love', active: false })).toMatchObject({ ok: true });
  });

  it('holds slow mode per address: fresh sessions from one address share one slot', async () => {
    await hostPost();
    unwrap(await host.emitWithAck('mod:settings', { postId, slowModeSeconds: 60 }));
    const people = await Promise.all(Array.from({ length: 5 }, (_, i) => connect(board.url, { name: `Slow ${i}` })));
    const res = await Promise.all(people.map((s, i) => comment(s, postId, `slow ${i}`)));
    expect(res.filter((r) => r.ok)).toHaveLength(1);
    expect(res.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toHaveLength(4);
    // Facilitators are not held back.
    await postComment(host, postId, 'host speaks in slow mode');
    await postComment(host, postId, 'and again');
    expect((await board.store.listComments(postId))!.comments).toHaveLength(3);
  });

  it("removes a person's address with them when asked: a fresh session from it cannot comment or react there", async () => {
    await hostPost();
    const target = await postComment(host, postId, 'host comment');
    const troll = await connect(board.url, { name: 'Troll' });
    await postComment(troll, postId, 'rude');
    // Someone else behind the same address, already watching.
    const neighbour = await connect(board.url, { name: 'Neighbour' });
    await join(neighbour, postId);
    const roleNews = new Promise<string>((resolve) => neighbour.on('post:role', (_p, role) => resolve(role)));

    unwrap(await host.emitWithAck('mod:ban', { postId, userId: troll.session.user.id, banned: true, withAddress: true }));
    expect(await roleNews).toBe('removed');

    const back = await connect(board.url, { name: 'Totally New' });
    expect((await join(back, postId)).role).toBe('removed');
    expect(await comment(back, postId, 'I am back')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await back.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'like', active: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // A fresh session that reacts without opening the post is refused too.
    const sneaky = await connect(board.url, { name: 'Never Joined' });
    expect(await sneaky.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'wow', active: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await neighbour.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'like', active: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // The facilitator behind the same address is not affected.
    await postComment(host, postId, 'still here');
    expect(await host.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'like', active: true })).toMatchObject({ ok: true });
    const log = unwrap(await host.emitWithAck('mod:log', { postId }));
    expect(log.find((e) => e.action === 'ban')).toMatchObject({ target: troll.session.user.id, detail: 'with their address' });

    // Letting them back in lifts the address block too.
    unwrap(await host.emitWithAck('mod:ban', { postId, userId: troll.session.user.id, banned: false, withAddress: true }));
    const later = await connect(board.url, { name: 'Later Guest' });
    expect((await join(later, postId)).role).toBe('participant');
    expect(await comment(later, postId, 'hello again')).toMatchObject({ ok: true });
  });

  it("refuses a participant's comment under a facilitator's name on that post", async () => {
    await hostPost();
    const copycat = await connect(board.url, { name: 'ＨＡＮＡ host' });
    expect(await comment(copycat, postId, 'official announcement')).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const honest = await connect(board.url, { name: 'Hanna' });
    expect(await comment(honest, postId, 'hi')).toMatchObject({ ok: true });
  });
});

describe.each<Engine>(['memory', 'redis'])('first comments of new sessions (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: BUDGETS });
    await board.store.createPost({ id: 'p', title: 'P' });
  });
  afterAll(() => board.close());
  afterEach(closeAll);

  it('share one budget per address', async () => {
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => connect(board.url, { name: `Newcomer ${i}` })));
    const res = await Promise.all(people.map((s, i) => comment(s, 'p', `first ${i}`)));
    expect(res.filter((r) => r.ok)).toHaveLength(4);
    expect((await board.store.listComments('p'))!.comments).toHaveLength(4);
  });
});
