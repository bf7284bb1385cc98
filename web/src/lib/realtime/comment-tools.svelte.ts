/**
 * The comment tools on a post page: edit or delete my own comment, report
 * someone else's, and for facilitators the report queue, kept live from
 * `mod:report`. Edits and deletes reach this page, like every viewer's,
 * through the ordered events; the acks only say whether they were taken.
 */
import { ReportEntry, type ReportDecision, type ReportReason, type Result } from '@board/shared';
import { connection } from './connection.svelte.js';
import type { FeedEntry } from './feed-entry.svelte.js';
import type { PostFeed } from './post-feed.svelte.js';

export class CommentTools {
  /** Open reports, most reported first; loaded when a facilitator joins, then kept live. */
  queue = $state<ReportEntry[]>([]);
  #feed: PostFeed;

  constructor(feed: PostFeed) {
    this.#feed = feed;
  }

  get #postId(): string {
    return this.#feed.post.id;
  }

  /** Saves new text; resolves with the refusal's message, or null when stored. */
  async edit(entry: FeedEntry, body: string): Promise<string | null> {
    const res = await connection.request('comment:edit', { postId: this.#postId, commentId: entry.id, body });
    if (!res.ok) return res.error.message;
    // The ordered event does the same for every viewer; this page need not wait for it.
    entry.body = res.data.body;
    entry.editedAt = res.data.editedAt;
    return null;
  }

  async remove(entry: FeedEntry): Promise<void> {
    this.#ok(await connection.request('comment:delete', { postId: this.#postId, commentId: entry.id }));
  }

  /** Resolves with the refusal's message, or null when the report was taken. */
  async report(entry: FeedEntry, reason: ReportReason): Promise<string | null> {
    const res = await connection.request('comment:report', { postId: this.#postId, commentId: entry.id, reason });
    return res.ok ? null : res.error.message;
  }

  async loadQueue(): Promise<void> {
    const res = await connection.request('mod:reports', { postId: this.#postId });
    if (this.#ok(res)) this.queue = res.data;
  }

  async resolve(commentId: string, decision: ReportDecision): Promise<void> {
    const res = await connection.request('mod:resolve-report', { postId: this.#postId, commentId, decision });
    if (this.#ok(res)) this.#upsert(res.data);
  }

  /** Listens for queue changes while a facilitator has the page open; returns the unsubscribe. */
  listen(): () => void {
    const socket = connection.socket;
    const onReport = (postId: string, raw: unknown) => {
      if (postId !== this.#postId) return;
      const entry = ReportEntry.safeParse(raw);
      if (entry.success) this.#upsert(entry.data);
    };
    socket.on('mod:report', onReport);
    return () => socket.off('mod:report', onReport);
  }

  #upsert(entry: ReportEntry): void {
    const rest = this.queue.filter((e) => e.commentId !== entry.commentId);
    this.queue = entry.status === 'open' ? [...rest, entry].sort((a, b) => b.count - a.count || b.lastAt - a.lastAt) : rest;
  }

  #ok<T>(res: Result<T>): res is { ok: true; data: T } {
    if (!res.ok) this.#feed.notice = res.error.message;
    return res.ok;
  }
}
