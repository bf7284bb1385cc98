/**
 * Co-hosting can be taken back and the record survives: list and remove
 * co-hosts, rotate the facilitator link, a moderation budget per person, and a
 * moderation log whose destructive entries no flood of toggles pushes out.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { LIMITS } from '@board/shared';
import { ask, closeAll, connect, join, postComment, recordEvents, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

describe.each<Engine>(['memory', 'redis'])('co-hosting (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let cohost: Client;
  let guest: Client;
  let postId: string;
  let token: string;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl') });
  });
  beforeEach(async () => {
    host = await connect(board.url, { name: 'Hana Host' });
    const created = unwrap(await host.emitWithAck('post:create', { title: 'Co-hosted night' }));
    postId = created.post.id;
    token = created.facilitatorToken;
    cohost = await connect(board.url, { name: 'Cora Cohost' });
    expect(unwrap(await cohost.emitWithAck('post:claim', { postId, token }))).toEqual({ role: 'facilitator' });
    guest = await connect(board.url, { name: 'Gus Guest' });
    await join(guest, postId);
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('lists the co-hosts, creator first, to facilitators only', async () => {
    expect(unwrap(await host.emitWithAck('mod:hosts', { postId }))).toEqual([
      { id: host.session.user.id, name: 'Hana Host', creator: true },
      { id: cohost.session.user.id, name: 'Cora Cohost', creator: false },
    ]);
    expect(await ask(guest, 'mod:hosts', { postId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses every co-hosting action from a participant, changing nothing', async () => {
    const before = await board.store.hostTokenHash(postId);
    for (const [event, payload] of [
      ['mod:remove-host', { postId, userId: cohost.session.user.id }],
      ['mod:remove-host', { postId, userId: host.session.user.id }],
      ['mod:rotate-link', { postId }],
    ] as const) {
      expect(await ask(guest, event, payload), event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await board.store.hostTokenHash(postId)).toBe(before);
    expect((await board.store.hosts(postId)).map((h) => h.id)).toEqual([host.session.user.id, cohost.session.user.id]);
    expect(await ask(host, 'mod:remove-host', { postId, userId: 'not ok!' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
  });

  it('removes a co-host: they become a participant, hear it at once, and can no longer moderate', async () => {
    const c = await postComment(guest, postId, 'pin me');
    const told = new Promise<[string, string]>((res) => cohost.once('post:role', (p, r) => res([p, r])));
    unwrap(await host.emitWithAck('mod:remove-host', { postId, userId: cohost.session.user.id }));
    expect(await told).toEqual([postId, 'participant']);
    expect((await join(cohost, postId)).role).toBe('participant');
    expect(await ask(cohost, 'mod:pin', { postId, commentId: c.id, pinned: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const log = unwrap(await host.emitWithAck('mod:log', { postId }));
    expect(log[0]).toMatchObject({ action: 'remove-host', target: cohost.session.user.id, detail: 'Cora Cohost' });
  });

  it('a co-host cannot remove the creator', async () => {
    const res = await ask(cohost, 'mod:remove-host', { postId, userId: host.session.user.id });
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await board.store.role(postId, host.session.user.id)).toBe('facilitator');
  });

  it('rotates the link: the old one stops working, the new one works once shown, co-hosts keep their role', async () => {
    const { facilitatorToken } = unwrap(await cohost.emitWithAck('mod:rotate-link', { postId }));
    expect(facilitatorToken).not.toBe(token);
    const late = await connect(board.url, { name: 'Late Larry' });
    expect(await ask(late, 'post:claim', { postId, token })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await board.store.role(postId, late.session.user.id)).toBe('participant');
    expect(await board.store.role(postId, cohost.session.user.id)).toBe('facilitator');
    expect(unwrap(await late.emitWithAck('post:claim', { postId, token: facilitatorToken }))).toEqual({ role: 'facilitator' });
    // The secret is in the rotating facilitator's ack only, never in the log or in what viewers get.
    expect(JSON.stringify(unwrap(await host.emitWithAck('mod:log', { postId })))).not.toContain(facilitatorToken);
    expect(unwrap(await host.emitWithAck('mod:log', { postId })).some((e) => e.action === 'rotate-link')).toBe(true);
  });

  it('a removed co-host who kept the old link cannot come back after a rotation', async () => {
    unwrap(await host.emitWithAck('mod:remove-host', { postId, userId: cohost.session.user.id }));
    unwrap(await host.emitWithAck('mod:rotate-link', { postId }));
    expect(await ask(cohost, 'post:claim', { postId, token })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await board.store.role(postId, cohost.session.user.id)).toBe('participant');
  });

  it('520 pin toggles do not push a delete, a removal or a claim out of the moderation log', async () => {
    const victim = await postComment(guest, postId, 'will be deleted');
    const pinned = await postComment(guest, postId, 'toggled');
    unwrap(await host.emitWithAck('mod:delete', { postId, commentId: victim.id }));
    unwrap(await host.emitWithAck('mod:ban', { postId, userId: guest.session.user.id, banned: true }));
    for (let i = 0; i < 520; i++) unwrap(await host.emitWithAck('mod:pin', { postId, commentId: pinned.id, pinned: i % 2 === 0 }));
    const log = unwrap(await host.emitWithAck('mod:log', { postId }));
    expect(log.filter((e) => e.action === 'pin' || e.action === 'unpin').length).toBe(LIMITS.modLogMax);
    expect(log.find((e) => e.action === 'delete')).toMatchObject({ target: victim.id });
    expect(log.find((e) => e.action === 'ban')).toMatchObject({ target: guest.session.user.id });
    expect(log.find((e) => e.action === 'claim')).toMatchObject({ target: cohost.session.user.id });
  });

  it('after a delete the log says "deleted comment", never the first words', async () => {
    const c = await postComment(guest, postId, 'an unkind remark about the referee');
    unwrap(await host.emitWithAck('mod:hide', { postId, commentId: c.id, hidden: true }));
    unwrap(await host.emitWithAck('mod:hide', { postId, commentId: c.id, hidden: false }));
    expect(JSON.stringify(unwrap(await host.emitWithAck('mod:log', { postId })))).toContain('unkind remark');
    unwrap(await host.emitWithAck('mod:delete', { postId, commentId: c.id }));
    const log = unwrap(await host.emitWithAck('mod:log', { postId }));
    expect(JSON.stringify(log)).not.toContain('unkind');
    expect(log.filter((e) => e.target === c.id).map((e) => [e.action, e.detail])).toEqual([
      ['delete', null],
      ['restore', 'deleted comment'],
      ['hide', 'deleted comment'],
    ]);
  });
});

describe.each<Engine>(['memory', 'redis'])('moderation budget (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { RATE_LIMIT_FACTOR: '1' } });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('refuses a flood of pin toggles with RATE_LIMITED: neither viewers nor the log hear the excess', async () => {
    const host = await connect(board.url, { name: 'Flooder' });
    const { post } = unwrap(await host.emitWithAck('post:create', { title: 'Flood' }));
    const viewer = await connect(board.url);
    await join(viewer, post.id);
    const c = await postComment(host, post.id, 'toggled');
    const seen = recordEvents(viewer);
    const results = [];
    for (let i = 0; i < 40; i++) results.push(await host.emitWithAck('mod:pin', { postId: post.id, commentId: c.id, pinned: i % 2 === 0 }));
    const refused = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(refused).toHaveLength(10);
    expect(refused[0]!.ok === false && refused[0]!.error.retryAfterMs).toBeGreaterThan(0);
    const log = unwrap(await host.emitWithAck('mod:log', { postId: post.id }));
    expect(log).toHaveLength(30);
    // Only the accepted toggles took a sequence number, and viewers heard exactly those.
    expect((await board.store.heads([post.id]))[post.id]).toBe(c.seq + 30);
    await expect.poll(() => seen.filter((s) => s.event.type === 'pins').length).toBe(30);
  });
});
