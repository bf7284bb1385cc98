/**
 * Hidden and deleted text never leaks: a table over every path that sends
 * stored comments or events (join snapshot with its page and pins, join replay
 * from before and from after the comment, a `post:page`, a `post:replies`, a `post:pins`, the
 * HTTP API that server-side renders read) × every
 * viewer (a participant, the author, a facilitator; the API is anonymous) ×
 * each moderation history. Deleted text is gone for everyone; hidden text
 * reaches only its author and facilitators.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Result } from '@board/shared';
import { closeAll, connect, join, postComment, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

type Step = 'hide' | 'restore' | 'delete';
const HISTORIES: Record<string, Step[]> = {
  hide: ['hide'],
  'hide → restore': ['hide', 'restore'],
  'hide → restore → delete': ['hide', 'restore', 'delete'],
  delete: ['delete'],
};
type Role = 'participant' | 'author' | 'facilitator' | 'anonymous';
type Path = 'snapshot' | 'replay from before the comment' | 'replay from the comment' | 'post:page' | 'post:replies' | 'post:pins' | 'HTTP API';

/** May this viewer read the text after this history? */
function allowed(steps: Step[], role: Role): boolean {
  if (steps.includes('delete')) return false;
  const hiddenNow = steps.at(-1) === 'hide';
  return !hiddenNow || role === 'author' || role === 'facilitator';
}

/** Does this path carry the text when the viewer may read it? (A replay from the comment on only has a `restored` event to carry it.) */
const carries = (path: Path, steps: Step[]) => path !== 'replay from the comment' || steps.includes('restore');

describe.each<Engine>(['memory', 'redis'])('redaction on every path (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let author: Client;
  let participant: Client;
  // A post per history: a deleted comment's scrubbed log entry would turn another history's replay into a snapshot.
  const cases: { history: string; steps: Step[]; secret: string; seq: number; postId: string }[] = [];

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl') });
    host = await connect(board.url, { name: 'Hana Host' });
    author = await connect(board.url, { name: 'Ana Author' });
    participant = await connect(board.url, { name: 'Pia Participant' });
    for (const [history, steps] of Object.entries(HISTORIES)) {
      const postId = unwrap(await host.emitWithAck('post:create', { title: `Redaction: ${history}` })).post.id;
      const secret = `secret-${history.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}`;
      // The secret is a pinned reply: it travels in a thread's replies and in the pins.
      const root = await postComment(host, postId, 'Welcome, everyone');
      const c = await postComment(author, postId, secret, root.id);
      unwrap(await host.emitWithAck('mod:pin', { postId, commentId: c.id, pinned: true }));
      for (const step of steps) {
        if (step === 'delete') unwrap(await host.emitWithAck('mod:delete', { postId, commentId: c.id }));
        else unwrap(await host.emitWithAck('mod:hide', { postId, commentId: c.id, hidden: step === 'hide' }));
      }
      cases.push({ history, steps, secret, seq: c.seq, postId });
    }
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  const read = async (path: Path, role: Role, { postId, seq }: { postId: string; seq: number }): Promise<string> => {
    if (path === 'HTTP API') return (await fetch(`${board.url}/api/posts/${postId}`)).text();
    const who = role === 'author' ? author : role === 'facilitator' ? host : participant;
    // A fresh connection of that person, as a reconnect would be.
    const again = await connect(board.url, { token: who.session.token });
    if (path === 'post:page' || path === 'post:replies' || path === 'post:pins') {
      await join(again, postId);
      const res =
        path === 'post:page'
          ? await again.emitWithAck('post:page', { postId, sort: 'top' })
          : path === 'post:pins'
            ? await again.emitWithAck('post:pins', { postId })
            : await again.emitWithAck('post:replies', { postId, rootId: (await firstThread(again, postId)).root.id, after: 0 });
      return JSON.stringify(unwrap(res as Result<unknown>));
    }
    const since = path === 'snapshot' ? undefined : path === 'replay from the comment' ? seq : seq - 1;
    return JSON.stringify(await join(again, postId, since));
  };

  const firstThread = async (client: Client, postId: string) =>
    unwrap(await client.emitWithAck('post:page', { postId, sort: 'new' })).threads[0]!;

  const rows: [string, Path, Role][] = [];
  for (const history of Object.keys(HISTORIES)) {
    for (const path of ['snapshot', 'replay from before the comment', 'replay from the comment', 'post:page', 'post:replies', 'post:pins'] as const) {
      for (const role of ['participant', 'author', 'facilitator'] as const) rows.push([history, path, role]);
    }
    rows.push([history, 'HTTP API', 'anonymous']);
  }

  it.each(rows)('%s, %s, %s', async (history, path, role) => {
    const c = cases.find((x) => x.history === history)!;
    const text = await read(path, role, c);
    const mayRead = allowed(c.steps, role);
    // Never more than allowed; and where the path carries the text, no less.
    if (!mayRead) expect(text, 'leaked').not.toContain(c.secret);
    else if (carries(path, c.steps)) expect(text, 'withheld').toContain(c.secret);
  });
});
