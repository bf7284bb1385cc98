/**
 * At-least-once sending made exactly-once storing: a resend with the same
 * client id (after an ack timeout or a reconnect) is stored once, broadcast
 * once, and acked with the original comment.
 */
import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Comment, type Result } from '@board/shared';
import { clientId, connect, join, nextPostEvent, recordEvents, unwrap, type Client } from '../support/clients.js';
import type { Engine } from '../support/board.js';
import { boardForSuite } from '../support/suite-board.js';

describe.each<Engine>(['memory', 'redis'])('idempotent writes (%s engine)', (engine) => {
  const board = boardForSuite(engine);

  it('stores and broadcasts a resent comment once, acking the original each time', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const b = await connect(board.url);
    await join(a, 'p');
    await join(b, 'p');
    const seen = recordEvents(b);
    const req = { postId: 'p', parentId: null, body: 'once only', clientId: clientId() };
    // Three sends in flight at once, as retries after a timeout would be.
    const acks = (await Promise.all([1, 2, 3].map(() => a.emitWithAck('comment:create', req)))).map(unwrap);
    expect(new Set(acks.map((c) => c.id)).size).toBe(1);
    expect(acks.every((c) => c.seq === acks[0]!.seq)).toBe(true);

    // A later comment flushes the broadcast order: by then B has seen the first exactly once.
    const marker = nextPostEvent(b, (e) => e.type === 'comment' && e.comment.body === 'marker');
    unwrap(await a.emitWithAck('comment:create', { ...req, body: 'marker', clientId: clientId() }));
    await marker;
    expect(seen.filter((s) => s.event.type === 'comment' && s.event.comment.body === 'once only')).toHaveLength(1);
    const page = await board.store.listComments('p');
    expect(page!.comments.filter((c) => c.body === 'once only')).toHaveLength(1);
  });

  it('acks a resend after a reconnect with the comment stored before the connection dropped', async () => {
    const a = await connect(board.url, { name: 'Ana' });
    const req = { postId: 'p', parentId: null, body: 'sent just before the drop', clientId: clientId() };
    const first = unwrap(await a.emitWithAck('comment:create', req));
    a.disconnect(); // the ack could have been lost here; the client cannot tell

    const again = (await connect(board.url, { token: a.session.token })) as Client;
    const resent = unwrap(await again.emitWithAck('comment:create', req));
    expect(resent).toEqual(first);
  });

  it('works with socket.io-client retries and ack timeouts', async () => {
    const named = await connect(board.url, { name: 'Retry' });
    const socket = io(board.url, {
      transports: ['websocket'],
      auth: { v: PROTOCOL_VERSION, token: named.session.token },
      forceNew: true,
      reconnection: false,
      ackTimeout: 2_000,
      retries: 3,
    });
    await new Promise<void>((res) => socket.once('session', () => res()));
    const req = { postId: 'p', parentId: null, body: 'with retries', clientId: clientId() };
    const res = (await socket.emitWithAck('comment:create', req)) as Result<Comment>;
    const twice = (await socket.emitWithAck('comment:create', req)) as Result<Comment>;
    expect(unwrap(twice)).toEqual(unwrap(res));
    socket.disconnect();
  });
});
