/**
 * Facilitator actions end to end on a real server, and every one of them tried
 * by a participant's client, which must get FORBIDDEN with nothing changed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ClientToServerEvents, PostEvent, ThreadPage } from '@board/shared';
import { ask, clientId, closeAll, connect, join, nextPostEvent, pageComments, postComment, recordEvents, snapshotComments, unwrap, type Client } from '../support/clients.js';
import { startBoard, uniquePrefix, type Board, type Engine } from '../support/board.js';

describe.each<Engine>(['memory', 'redis'])('facilitators (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let guest: Client;
  let postId: string;
  let token: string;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl') });
  });
  beforeEach(async () => {
    host = await connect(board.url, { name: 'Hana Host' });
    const created = unwrap(await host.emitWithAck('post:create', { title: 'Finale night', description: 'Together', scheduledAt: Date.now() + 60_000 }));
    postId = created.post.id;
    token = created.facilitatorToken;
    expect(token.length).toBeGreaterThanOrEqual(32);
    guest = await connect(board.url, { name: 'Gus Guest' });
    expect((await join(host, postId)).role).toBe('facilitator');
    expect((await join(guest, postId)).role).toBe('participant');
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  const seqNow = async () => (await board.store.listComments(postId))!.seq;

  it('refuses every facilitator action from a participant, and changes nothing', async () => {
    const c = await postComment(guest, postId, 'a comment');
    const before = await seqNow();
    const attempts: [keyof ClientToServerEvents, unknown][] = [
      ['mod:pin', { postId, commentId: c.id, pinned: true }],
      ['mod:hide', { postId, commentId: c.id, hidden: true }],
      ['mod:delete', { postId, commentId: c.id }],
      ['mod:settings', { postId, locked: true }],
      ['mod:settings', { postId, slowModeSeconds: 60 }],
      ['mod:ban', { postId, userId: host.session.user.id, banned: true }],
      ['mod:log', { postId }],
      ['post:claim', { postId, token: 'x'.repeat(32) }],
      ['post:claim', { postId, token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }],
    ];
    for (const [event, payload] of attempts) {
      const res = await ask(guest, event, payload);
      expect(res, event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await seqNow()).toBe(before);
    const post = await board.store.getPost(postId);
    expect(post).toMatchObject({ locked: false, slowModeSeconds: 0, pinned: [] });
    expect(await board.store.role(postId, guest.session.user.id)).toBe('participant');
    expect((await board.store.listComments(postId))!.comments[0]).toMatchObject({ hidden: false, deleted: false });
  });

  it('makes whoever opens the facilitator link a co-facilitator, and never shows the secret to participants', async () => {
    const seen = recordEvents(guest);
    const cohost = await connect(board.url, { name: 'Cora Cohost' });
    expect(unwrap(await cohost.emitWithAck('post:claim', { postId, token }))).toEqual({ role: 'facilitator' });
    const snap = await join(cohost, postId);
    expect(snap.role).toBe('facilitator');
    const mine = await postComment(cohost, postId, 'hello from the second facilitator');
    expect(mine.byFacilitator).toBe(true);
    expect((await postComment(guest, postId, 'hi')).byFacilitator).toBe(false);
    const guestSnap = await join(guest, postId);
    expect(JSON.stringify(guestSnap)).not.toContain(token);
    expect(JSON.stringify(seen)).not.toContain(token);
    const page = await (await fetch(`${board.url}/api/posts/${postId}`)).text();
    expect(page).not.toContain(token);
  });

  it('pins live for everyone, in pin order, at most three', async () => {
    const cs = [];
    for (let i = 0; i < 4; i++) cs.push(await postComment(guest, postId, `pin me ${i}`));
    const seen = nextPostEvent(guest, (e) => e.type === 'pins' && e.pinned.length === 2);
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: cs[2]!.id, pinned: true }));
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: cs[0]!.id, pinned: true }));
    expect((await seen).event).toMatchObject({ pinned: [cs[2]!.id, cs[0]!.id] });
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: cs[1]!.id, pinned: true }));
    const full = await host.emitWithAck('mod:pin', { postId, commentId: cs[3]!.id, pinned: true });
    expect(full).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const unpinned = nextPostEvent(guest, (e) => e.type === 'pins' && e.pinned.length === 2);
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: cs[2]!.id, pinned: false }));
    expect((await unpinned).event).toMatchObject({ pinned: [cs[0]!.id, cs[1]!.id] });
    const late = await connect(board.url);
    const snap = await join(late, postId);
    expect(snap.mode === 'snapshot' && snap.post.pinned).toEqual([cs[0]!.id, cs[1]!.id]);
  });

  it('hides text from participants but not from its author or facilitators, and restores it', async () => {
    const author = await connect(board.url, { name: 'Ana Author' });
    await join(author, postId);
    const c = await postComment(author, postId, 'something unkind');
    const hiddenSeen = nextPostEvent(guest, (e) => e.type === 'hidden');
    unwrap(await host.emitWithAck('mod:hide', { postId, commentId: c.id, hidden: true }));
    const { event } = await hiddenSeen;
    expect(event).toEqual({ type: 'hidden', seq: expect.any(Number), commentId: c.id });

    const bodyFor = async (s: Client) => {
      const snap = await join(s, postId);
      if (snap.mode !== 'snapshot') throw new Error('expected a snapshot');
      return snapshotComments(snap).find((x) => x.id === c.id);
    };
    expect(await bodyFor(await connect(board.url))).toMatchObject({ hidden: true, body: '' });
    expect(await bodyFor(await connect(board.url, { token: author.session.token }))).toMatchObject({ hidden: true, body: 'something unkind' });
    expect(await bodyFor(await connect(board.url, { token: host.session.token }))).toMatchObject({ hidden: true, body: 'something unkind' });
    const api = (await (await fetch(`${board.url}/api/posts/${postId}`)).json()) as { page: ThreadPage };
    expect(pageComments(api.page).find((x) => x.id === c.id)?.body).toBe('');

    const restored = nextPostEvent(guest, (e) => e.type === 'restored');
    unwrap(await host.emitWithAck('mod:hide', { postId, commentId: c.id, hidden: false }));
    expect((await restored).event).toMatchObject({ commentId: c.id, body: 'something unkind' });
  });

  it('deletes a comment for good, live', async () => {
    const c = await postComment(guest, postId, 'delete me');
    const seen = nextPostEvent(guest, (e) => e.type === 'deleted');
    unwrap(await host.emitWithAck('mod:delete', { postId, commentId: c.id }));
    expect((await seen).event).toMatchObject({ commentId: c.id });
    const snap = await join(await connect(board.url), postId);
    expect(snapshotComments(snap).find((x) => x.id === c.id)).toMatchObject({ deleted: true, body: '' });
    expect(JSON.stringify(await board.store.eventsSince(postId, 0))).not.toContain('delete me');
  });

  it('locks and unlocks: participants are refused with LOCKED while the banner is up', async () => {
    const c = await postComment(guest, postId, 'before the lock');
    const seen = nextPostEvent(guest, (e) => e.type === 'settings');
    expect(unwrap(await host.emitWithAck('mod:settings', { postId, locked: true }))).toEqual({ locked: true, slowModeSeconds: 0 });
    expect((await seen).event).toMatchObject({ type: 'settings', locked: true });
    const before = await seqNow();
    const refused = await guest.emitWithAck('comment:create', { postId, parentId: null, body: 'let me', clientId: clientId() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    const react = await guest.emitWithAck('reaction:set', { postId, commentId: c.id, kind: 'like', active: true });
    expect(react).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await seqNow()).toBe(before);
    unwrap(await host.emitWithAck('mod:settings', { postId, locked: false }));
    expect((await postComment(guest, postId, 'after the lock')).body).toBe('after the lock');
  });

  it('slow mode: a second comment within the interval is refused with the wait', async () => {
    unwrap(await host.emitWithAck('mod:settings', { postId, slowModeSeconds: 20 }));
    await postComment(guest, postId, 'first');
    const res = await guest.emitWithAck('comment:create', { postId, parentId: null, body: 'second', clientId: clientId() });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('RATE_LIMITED');
      expect(res.error.retryAfterMs).toBeGreaterThan(15_000);
    }
    await postComment(host, postId, 'facilitators are not slowed');
    await postComment(host, postId, 'not at all');
  });

  it('removes a participant: their later comments and reactions are refused with a clear message', async () => {
    const c = await postComment(host, postId, 'hello all');
    const otherTab = await connect(board.url, { token: guest.session.token });
    const told = new Promise<[string, string]>((res) => otherTab.once('post:role', (p, r) => res([p, r])));
    unwrap(await host.emitWithAck('mod:ban', { postId, userId: guest.session.user.id, banned: true }));
    // Every open tab of that person hears it at once.
    expect(await told).toEqual([postId, 'removed']);
    const res = await guest.emitWithAck('comment:create', { postId, parentId: null, body: 'still here?', clientId: clientId() });
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/removed/) } });
    const react = await guest.emitWithAck('reaction:set', { postId, commentId: c.id, kind: 'like', active: true });
    expect(react).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // A new connection with the same session is still removed.
    const again = await connect(board.url, { token: guest.session.token });
    expect((await join(again, postId)).role).toBe('removed');
  });

  it('keeps a moderation log that facilitators can read', async () => {
    const c = await postComment(guest, postId, 'log me');
    unwrap(await host.emitWithAck('mod:pin', { postId, commentId: c.id, pinned: true }));
    unwrap(await host.emitWithAck('mod:settings', { postId, locked: true, slowModeSeconds: 10 }));
    unwrap(await host.emitWithAck('mod:hide', { postId, commentId: c.id, hidden: true }));
    const log = unwrap(await host.emitWithAck('mod:log', { postId }));
    expect(log.map((e) => e.action)).toEqual(['hide', 'slow-mode', 'lock', 'pin']);
    expect(log[0]).toMatchObject({ by: { id: host.session.user.id, name: 'Hana Host' }, target: c.id, detail: 'log me' });
  });

  it('refuses malformed facilitator requests with INVALID', async () => {
    for (const [event, payload] of [
      ['mod:settings', { postId }],
      ['mod:settings', { postId, slowModeSeconds: -1 }],
      ['mod:settings', { postId, slowModeSeconds: 99_999 }],
      ['mod:pin', { postId, commentId: 42, pinned: true }],
      ['post:create', { title: '' }],
      ['post:claim', { postId, token: 'short' }],
    ] as const) {
      expect(await ask(host, event, payload), event).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    }
  });
});

describe('facilitator actions across nodes', () => {
  it('shows a pin and a removal made on node 1 to a participant on node 2', async () => {
    const shared = { engine: 'redis' as const, redisUrl: inject('redisUrl'), prefix: uniquePrefix() };
    const one = await startBoard({ ...shared, nodeId: 'fac-one' });
    const two = await startBoard({ ...shared, nodeId: 'fac-two' });
    try {
      const host = await connect(one.url, { name: 'Host' });
      const { post } = unwrap(await host.emitWithAck('post:create', { title: 'Two nodes' }));
      const guest = await connect(two.url, { name: 'Guest' });
      await join(guest, post.id);
      await join(host, post.id);
      const c = await postComment(guest, post.id, 'pin this');
      const seen = nextPostEvent(guest, (e: PostEvent) => e.type === 'pins');
      unwrap(await host.emitWithAck('mod:pin', { postId: post.id, commentId: c.id, pinned: true }));
      expect((await seen).event).toMatchObject({ pinned: [c.id] });
      // A removal made on node 1 reaches the person's tab on node 2.
      const told = new Promise<string>((res) => guest.once('post:role', (_p, r) => res(r)));
      unwrap(await host.emitWithAck('mod:ban', { postId: post.id, userId: guest.session.user.id, banned: true }));
      expect(await told).toBe('removed');
    } finally {
      closeAll();
      await one.close();
      await two.close();
    }
  });
});
