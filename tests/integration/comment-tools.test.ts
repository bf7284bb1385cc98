/**
 * The comment tools end to end on a real server and real clients, on both
 * engines: an author's edit and delete reach another viewer live and in a
 * resync; edits after the window, and edits or deletes of someone else's
 * comment, are refused with nothing changed; reports count once per person,
 * reach facilitators live, and hide the comment at the threshold.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReportEntry, Result } from '@board/shared';
import { ask, closeAll, connect, join, nextPostEvent, postComment, snapshotComments, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

/** Resolves with the first `mod:report` row for this comment matching `match`. */
function nextReport(socket: Client, commentId: string, match: (e: ReportEntry) => boolean, ms = 5_000): Promise<ReportEntry> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('mod:report', on);
      reject(new Error(`no matching mod:report within ${ms} ms`));
    }, ms);
    const on = (_postId: string, entry: ReportEntry) => {
      if (entry.commentId !== commentId || !match(entry)) return;
      clearTimeout(timer);
      socket.off('mod:report', on);
      resolve(entry);
    };
    socket.on('mod:report', on);
  });
}

const codeOf = (res: Result<unknown>) => (res.ok ? 'ok' : res.error.code);

describe.each<Engine>(['memory', 'redis'])('comment tools (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let author: Client;
  let viewer: Client;
  let postId: string;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { REPORT_HIDE_THRESHOLD: '2' } });
    host = await connect(board.url, { name: 'Hana Host' });
    author = await connect(board.url, { name: 'Ana Author' });
    viewer = await connect(board.url, { name: 'Vic Viewer' });
    postId = unwrap(await host.emitWithAck('post:create', { title: 'Comment tools' })).post.id;
    for (const c of [host, author, viewer]) await join(c, postId);
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  it('an edit reaches another viewer live and in a resync, shows as edited, and leaves the earlier text to facilitators', async () => {
    const c = await postComment(author, postId, 'The finale was in 2019');
    const seen = nextPostEvent(viewer, (e) => e.type === 'edited');
    const edited = unwrap(await author.emitWithAck('comment:edit', { postId, commentId: c.id, body: 'The finale was in 2018' }));
    expect(edited).toMatchObject({ commentId: c.id, body: 'The finale was in 2018' });
    expect((await seen).event).toMatchObject({ type: 'edited', commentId: c.id, body: 'The finale was in 2018', editedAt: edited.editedAt });
    // A viewer who was away since the comment gets the edit replayed; a newcomer sees it edited.
    const replay = await join(viewer, postId, c.seq);
    expect(replay.mode === 'replay' && replay.events.map((e) => e.type)).toEqual(['edited']);
    const snapshot = snapshotComments(await join(viewer, postId)).find((x) => x.id === c.id);
    expect(snapshot).toMatchObject({ body: 'The finale was in 2018', editedAt: edited.editedAt });
    // The earlier text: in the facilitators' log, not for participants.
    const log = unwrap(await host.emitWithAck('mod:log', { postId }));
    expect(log[0]).toMatchObject({ action: 'edit', target: c.id, detail: 'The finale was in 2019', by: { id: author.session.user.id } });
    expect(codeOf(await viewer.emitWithAck('mod:log', { postId }))).toBe('FORBIDDEN');
    // Same body rules as a new comment.
    expect(codeOf(await author.emitWithAck('comment:edit', { postId, commentId: c.id, body: '   ' }))).toBe('INVALID');
  });

  it('refuses edits after the window and edits or deletes of someone else’s comment, changing nothing', async () => {
    const mine = await postComment(author, postId, 'Ana’s words');
    // Written eleven minutes ago (seeded through the store): the 10-minute window has closed.
    const { comment: old } = await board.store.addComment({
      postId, parentId: null, body: 'old words', author: author.session.user as { id: string; name: string }, clientId: 'k-old-comment', createdAt: Date.now() - 11 * 60_000,
    });
    const before = (await board.store.listComments(postId))!;
    expect(codeOf(await author.emitWithAck('comment:edit', { postId, commentId: old.id, body: 'new words' }))).toBe('EDIT_WINDOW_CLOSED');
    expect(codeOf(await viewer.emitWithAck('comment:edit', { postId, commentId: mine.id, body: 'Vic was here' }))).toBe('FORBIDDEN');
    expect(codeOf(await viewer.emitWithAck('comment:delete', { postId, commentId: mine.id }))).toBe('FORBIDDEN');
    // A facilitator moderates with mod:delete; comment:delete is for one's own only.
    expect(codeOf(await host.emitWithAck('comment:delete', { postId, commentId: mine.id }))).toBe('FORBIDDEN');
    expect(codeOf(await ask(author, 'comment:edit', { postId, commentId: mine.id }))).toBe('INVALID');
    const after = (await board.store.listComments(postId))!;
    expect(after.seq).toBe(before.seq);
    expect(after.comments).toEqual(before.comments);
  });

  it('a delete of your own comment is a tombstone seen live, replies kept, counts consistent', async () => {
    const c = await postComment(author, postId, 'Hot take I regret');
    const reply = await postComment(viewer, postId, 'Hmm', c.id);
    const count = (await board.store.getPost(postId))!.commentCount;
    const seen = nextPostEvent(viewer, (e) => e.type === 'deleted');
    unwrap(await author.emitWithAck('comment:delete', { postId, commentId: c.id }));
    expect((await seen).event).toMatchObject({ type: 'deleted', commentId: c.id });
    const comments = snapshotComments(await join(viewer, postId));
    expect(comments.find((x) => x.id === c.id)).toMatchObject({ deleted: true, body: '' });
    expect(comments.find((x) => x.id === reply.id)).toMatchObject({ body: 'Hmm', parentId: c.id });
    expect((await board.store.getPost(postId))!.commentCount).toBe(count - 1);
    expect(JSON.stringify(await join(viewer, postId, c.seq - 1))).not.toContain('regret');
    expect(codeOf(await author.emitWithAck('comment:edit', { postId, commentId: c.id, body: 'back' }))).toBe('NOT_FOUND');
  });

  it('counts reports by distinct person, shows facilitators the queue live, and hides at the threshold', async () => {
    const c = await postComment(author, postId, 'Buy cheap followers at example.com');
    const reporters = [await connect(board.url, { name: 'Rae One' }), await connect(board.url, { name: 'Rob Two' })];
    expect(codeOf(await author.emitWithAck('comment:report', { postId, commentId: c.id, reason: 'spam' }))).toBe('INVALID');
    expect(codeOf(await ask(reporters[0]!, 'comment:report', { postId, commentId: c.id, reason: 'because' }))).toBe('INVALID');

    const first = nextReport(host, c.id, (e) => e.count === 1);
    expect(unwrap(await reporters[0]!.emitWithAck('comment:report', { postId, commentId: c.id, reason: 'spam' }))).toEqual({ counted: true });
    expect(await first).toMatchObject({ count: 1, reasons: { spam: 1 }, hidden: false, status: 'open' });
    // The same person again (another tab, another reason): not counted twice, nothing hidden.
    expect(unwrap(await reporters[0]!.emitWithAck('comment:report', { postId, commentId: c.id, reason: 'hate' }))).toEqual({ counted: false });
    expect(unwrap(await host.emitWithAck('mod:reports', { postId }))).toMatchObject([{ commentId: c.id, count: 1, hidden: false }]);

    // A second person: the threshold (2 here) hides it pending review, for every participant.
    const hidden = nextPostEvent(viewer, (e) => e.type === 'hidden');
    const queued = nextReport(host, c.id, (e) => e.count === 2);
    unwrap(await reporters[1]!.emitWithAck('comment:report', { postId, commentId: c.id, reason: 'spam' }));
    expect((await hidden).event).toEqual({ type: 'hidden', seq: expect.any(Number), commentId: c.id });
    expect(await queued).toMatchObject({ count: 2, reasons: { spam: 2 }, hidden: true });
    expect(snapshotComments(await join(viewer, postId)).find((x) => x.id === c.id)).toMatchObject({ hidden: true, body: '' });
    expect(codeOf(await viewer.emitWithAck('mod:reports', { postId }))).toBe('FORBIDDEN');
    expect(codeOf(await viewer.emitWithAck('mod:resolve-report', { postId, commentId: c.id, decision: 'dismiss' }))).toBe('FORBIDDEN');
    expect(unwrap(await host.emitWithAck('mod:log', { postId }))[0]).toMatchObject({ action: 'auto-hide', target: c.id, detail: '2 reports' });

    // Dismissed: shown again, out of the queue, and later reports no longer count.
    const restored = nextPostEvent(viewer, (e) => e.type === 'restored');
    expect(unwrap(await host.emitWithAck('mod:resolve-report', { postId, commentId: c.id, decision: 'dismiss' }))).toMatchObject({ status: 'dismissed', hidden: false });
    expect((await restored).event).toMatchObject({ commentId: c.id, body: 'Buy cheap followers at example.com' });
    expect(unwrap(await host.emitWithAck('mod:reports', { postId }))).toEqual([]);
    expect(unwrap(await viewer.emitWithAck('comment:report', { postId, commentId: c.id, reason: 'spam' }))).toEqual({ counted: false });
    expect(codeOf(await host.emitWithAck('mod:resolve-report', { postId, commentId: c.id, decision: 'confirm' }))).toBe('NOT_FOUND');
  });
});
