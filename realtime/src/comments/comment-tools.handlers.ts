/**
 * The comment tools people expect: edit or delete your own comment, report
 * someone else's; facilitators read and resolve the report queue. Each in
 * order: validate, authorize (the store checks authorship in the same atomic
 * step as the write), act, ack, broadcast the ordered event, log.
 */
import {
  AppError,
  DeleteOwnCommentRequest,
  EditCommentRequest,
  LIMITS,
  ReportCommentRequest,
  ReportQueueRequest,
  ResolveReportRequest,
  rooms,
  type EditedComment,
  type ReportAck,
  type ReportEntry,
} from '@board/shared';
import type { PostBroadcaster } from '../posts/post-broadcaster.js';
import type { Presence } from '../presence/presence.js';
import type { Store } from '../store/types.js';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import { logAction, requireFacilitator, authorizeModeration } from '../moderation/authorize.js';
import { deleteComment, visibilityEvent } from '../moderation/comment-changes.js';

export interface CommentToolsDeps {
  io: BoardServer;
  store: Store;
  broadcaster: PostBroadcaster;
  presence: Presence;
  ctx: HandlerContext;
  /** EDIT_WINDOW_MS: how long after writing a comment its author may edit it. */
  editWindowMs: number;
  /** REPORT_HIDE_THRESHOLD: reports from this many people hide a comment pending review. */
  reportHideThreshold: number;
}

/** Rows of the report queue a facilitator reads at once: more than a moderator can work through in a sitting. */
const REPORT_QUEUE_MAX = 200;

/** Who the log names for a hide that reports made (no person did it; reporters stay unnamed). */
const REPORTS_ACTOR = { id: 'reports', name: 'Reports' };

export function registerCommentToolHandlers(socket: BoardSocket, deps: CommentToolsDeps): void {
  const { io, store, broadcaster, ctx, editWindowMs, reportHideThreshold } = deps;

  /** A queue row changed: every tab of every facilitator of the post hears it, on whichever node. */
  const toFacilitators = async (postId: string, entry: ReportEntry) => {
    const hosts = await store.hosts(postId);
    if (hosts.length > 0) io.to(hosts.map((h) => rooms.user(h.id))).emit('mod:report', postId, entry);
  };

  /** Hides or shows through the one hide path (so redaction applies), broadcasting a change. */
  const setHidden = async (postId: string, commentId: string, hidden: boolean): Promise<boolean> => {
    const { seq, value: body } = await store.setHidden(postId, commentId, hidden);
    if (seq === null) return false;
    broadcaster.send(postId, [visibilityEvent(seq, commentId, hidden, body)]);
    return true;
  };

  socket.on(
    'comment:edit',
    handle(socket, 'comment:edit', EditCommentRequest, async ({ postId, commentId, body }, reply: (r: EditedComment) => void) => {
      await ctx.limits.consume('comment', socket);
      const { seq, value } = await store.editComment(postId, commentId, { authorId: socket.data.user.id, body, at: Date.now(), windowMs: editWindowMs });
      const { previous, ...edited } = value;
      reply(edited);
      if (seq === null) return;
      broadcaster.send(postId, [{ type: 'edited', seq, ...edited }]);
      // The earlier text, for facilitators only (mod:log); a later delete scrubs it.
      await logAction(store, socket, postId, 'edit', commentId, previous);
    }, ctx),
  );

  socket.on(
    'comment:delete',
    handle(socket, 'comment:delete', DeleteOwnCommentRequest, async ({ postId, commentId }, reply: (r: null) => void) => {
      await ctx.limits.consume('comment', socket);
      await deleteComment(deps, socket, { postId, commentId, authorId: socket.data.user.id }, reply);
    }, ctx),
  );

  socket.on(
    'comment:report',
    handle(socket, 'comment:report', ReportCommentRequest, async ({ postId, commentId, reason }, reply: (r: ReportAck) => void) => {
      // Counted per identity, named or not: a report asks for no display name.
      await ctx.limits.consume('comment', socket);
      const { counted, entry } = await store.reportComment(postId, commentId, { reporterId: socket.data.user.id, reason, at: Date.now() });
      reply({ counted });
      if (!counted) return;
      if (entry.count >= reportHideThreshold && !entry.hidden && (await setHidden(postId, commentId, true))) {
        entry.hidden = true;
        const caps = { routine: LIMITS.modLogMax, kept: LIMITS.modLogKeptMax };
        await store.appendModLog(postId, { at: Date.now(), by: REPORTS_ACTOR, action: 'auto-hide', target: commentId, detail: `${entry.count} reports` }, caps);
      }
      await toFacilitators(postId, entry);
    }, ctx),
  );

  socket.on(
    'mod:reports',
    handle(socket, 'mod:reports', ReportQueueRequest, async ({ postId }, reply: (r: ReportEntry[]) => void) => {
      await requireFacilitator(store, socket, postId);
      reply(await store.reportQueue(postId, REPORT_QUEUE_MAX));
    }, ctx),
  );

  socket.on(
    'mod:resolve-report',
    handle(socket, 'mod:resolve-report', ResolveReportRequest, async ({ postId, commentId, decision }, reply: (r: ReportEntry) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const entry = await store.resolveReports(postId, commentId, decision);
      if (!entry) throw new AppError('NOT_FOUND', 'That comment is not in the report queue');
      // Dismissed: shown again; confirmed: stays hidden. Through the usual hide, so redaction applies.
      const hidden = decision === 'confirm';
      if (entry.hidden !== hidden) await setHidden(postId, commentId, hidden);
      const resolved = { ...entry, hidden };
      reply(resolved);
      await toFacilitators(postId, resolved);
      await logAction(store, socket, postId, decision === 'dismiss' ? 'dismiss-reports' : 'confirm-report', commentId, `${entry.count} reports`);
    }, ctx),
  );
}
