/**
 * Bad input never crashes the service and never changes what is stored: each
 * refusal is a typed Result, and the store's sequence number stays put.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS, type ErrorCode, type Result } from '@board/shared';
import { clientId, connect, join, postComment, type Client } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

describe.each<Engine>(['memory', 'redis'])('bad input (%s engine)', (engine) => {
  const board = boardForSuite(engine, ['watch']);
  let a: Client;

  const seqNow = async () => (await board.store.listComments('watch'))!.seq;
  const expectRefused = (res: Result<unknown>, code: ErrorCode) => {
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe(code);
      expect(res.error.message.length).toBeGreaterThan(0);
    }
  };

  it.each([
    ['missing body', { postId: 'watch', clientId: 'client-id-1' }, 'INVALID'],
    ['body of the wrong type', { postId: 'watch', body: 42, clientId: 'client-id-1' }, 'INVALID'],
    ['empty body', { postId: 'watch', body: '', clientId: 'client-id-1' }, 'INVALID'],
    ['whitespace-only body', { postId: 'watch', body: ' \n\t ', clientId: 'client-id-1' }, 'INVALID'],
    ['over-length body', { postId: 'watch', body: 'x'.repeat(LIMITS.commentMax + 1), clientId: 'client-id-1' }, 'INVALID'],
    ['missing client id', { postId: 'watch', body: 'hi' }, 'INVALID'],
    ['malformed post id', { postId: '../etc', body: 'hi', clientId: 'client-id-1' }, 'INVALID'],
    ['unknown post', { postId: 'no-such-post', body: 'hi', clientId: 'client-id-1' }, 'NOT_FOUND'],
    ['unknown parent', { postId: 'watch', parentId: 'c_nope', body: 'hi', clientId: 'client-id-1' }, 'NOT_FOUND'],
    ['not an object', 'just a string', 'INVALID'],
    ['null', null, 'INVALID'],
  ])('refuses a comment with %s and stores nothing', async (_label, payload, code) => {
    a = await connect(board.url, { name: 'Ana' });
    const before = await seqNow();
    const res = (await a.emitWithAck('comment:create', payload as never)) as Result<unknown>;
    expectRefused(res, code as ErrorCode);
    expect(await seqNow()).toBe(before);
  });

  it('accepts a comment of exactly the limit', async () => {
    a = await connect(board.url, { name: 'Ana' });
    const made = await postComment(a, 'watch', 'y'.repeat(LIMITS.commentMax));
    expect(made.body).toHaveLength(LIMITS.commentMax);
  });

  it('refuses comments from a person without a display name', async () => {
    const anon = await connect(board.url);
    const before = await seqNow();
    expectRefused(await anon.emitWithAck('comment:create', { postId: 'watch', body: 'hi', parentId: null, clientId: clientId() }), 'INVALID');
    expect(await seqNow()).toBe(before);
  });

  it('refuses bad reactions and bad joins with typed errors', async () => {
    a = await connect(board.url, { name: 'Ana' });
    const target = await postComment(a, 'watch', 'target');
    const before = await seqNow();
    expectRefused(await a.emitWithAck('reaction:set', { postId: 'watch', commentId: target.id, kind: 'angry', active: true } as never), 'INVALID');
    expectRefused(await a.emitWithAck('reaction:set', { postId: 'watch', commentId: target.id, kind: 'like', active: 'yes' } as never), 'INVALID');
    expectRefused(await a.emitWithAck('reaction:set', { postId: 'watch', commentId: 'c_nope', kind: 'like', active: true }), 'NOT_FOUND');
    expectRefused(await a.emitWithAck('reaction:set', { postId: 'nope', commentId: target.id, kind: 'like', active: true }), 'NOT_FOUND');
    expectRefused(await a.emitWithAck('post:join', { postId: 'nope' }), 'NOT_FOUND');
    expectRefused(await a.emitWithAck('post:join', { postId: 'watch', sinceSeq: -1 }), 'INVALID');
    expectRefused(await a.emitWithAck('session:rename', { name: '   ' }), 'INVALID');
    expectRefused(await a.emitWithAck('session:rename', { name: 'n'.repeat(LIMITS.nameMax + 1) }), 'INVALID');
    expect(await seqNow()).toBe(before);
  });

  it('survives malformed events and keeps serving everyone', async () => {
    a = await connect(board.url, { name: 'Ana' });
    const raw = a as unknown as { emit: (...args: unknown[]) => void };
    raw.emit('comment:create'); // no payload, no ack
    raw.emit('comment:create', { postId: 'watch', body: 'no ack', clientId: clientId() }, 'not-a-function');
    raw.emit('reaction:set', () => undefined); // the ack where the payload should be
    raw.emit('no-such-event', { a: 1 });
    raw.emit('post:join', { postId: { $gt: '' } });
    raw.emit('session:rename', Buffer.from([1, 2, 3]));
    raw.emit('comment:create', JSON.parse('{"__proto__":{"polluted":true},"postId":"watch"}'));
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 500; i++) cur = (cur.next = {}) as Record<string, unknown>;
    raw.emit('comment:create', deep);

    // The same connection and a fresh one still work.
    const ok = await postComment(a, 'watch', 'still alive');
    expect(ok.body).toBe('still alive');
    const b = await connect(board.url);
    expect((await join(b, 'watch')).mode).toBe('snapshot');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops a frame larger than the transport limit without affecting others', async () => {
    a = await connect(board.url, { name: 'Ana' });
    const b = await connect(board.url, { name: 'Ben' });
    const gone = new Promise<string>((resolve) => a.once('disconnect', resolve));
    (a as unknown as { emit: (...args: unknown[]) => void }).emit('comment:create', {
      postId: 'watch',
      body: 'z'.repeat(200_000),
      clientId: clientId(),
    });
    expect(await gone).toBe('transport close');
    expect((await postComment(b, 'watch', 'unaffected')).body).toBe('unaffected');
  });
});
