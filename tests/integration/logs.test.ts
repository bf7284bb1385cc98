/**
 * The service's log lines, as an operator reads them: a failed request is one
 * JSON line carrying the node, the connection (socket, person) and the request
 * (event, post), with the error's stack, and never the comment's text or the
 * person's session token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom, createLog, createMemoryStore, createRealtime, type Realtime } from '@board/realtime';
import { clientId, closeAll, connect, join } from '../support/clients.js';

describe('log lines of a failed request', () => {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  let realtime: Realtime;
  let url: string;
  beforeAll(async () => {
    const store = createMemoryStore();
    await store.createPost({ id: 'logged', title: 'Logged' });
    // The real memory engine, with one write that fails as a bug would.
    store.addComment = () => Promise.reject(new Error('disk on fire'));
    const log = createLog('info', {}, { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line))) });
    realtime = createRealtime(configFrom({ NODE_ID: 'logs-1', RATE_LIMIT_FACTOR: '0', SESSION_SECRET: 'x'.repeat(40) }), { store, log });
    url = `http://127.0.0.1:${await realtime.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    closeAll();
    await realtime.close();
  });

  it('carries node, socket, person, event and post, with the stack, and no text or token', async () => {
    const ana = await connect(url, { name: 'Ana' });
    await join(ana, 'logged');
    const body = 'a private thought 7d1e';
    const res = await ana.emitWithAck('comment:create', { postId: 'logged', body, parentId: null, clientId: clientId() });
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });

    const failed = lines.filter((l) => l.level === 50);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      nodeId: 'logs-1',
      socketId: ana.id,
      userId: ana.session.user.id,
      event: 'comment:create',
      postId: 'logged',
      err: { message: 'disk on fire' },
    });
    expect((failed[0]!.err as { stack: string }).stack).toMatch(/disk on fire\n\s+at /);
    const all = raw.join('');
    expect(all).not.toContain(body);
    expect(all).not.toContain(ana.session.token);
  });
});
