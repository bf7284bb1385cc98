/**
 * What a facilitator can do to a discussion. Each action is one request; the
 * server broadcasts the change to everyone (this page included), so the page
 * changes through the same ordered events as every other viewer's. A refusal
 * is shown on the feed's notice.
 */
import type { CoHost, ModLogEntry, Result } from '@board/shared';
import { connection } from './connection.svelte.js';
import { facilitatorUrl } from './facilitator-link.js';
import type { FeedEntry } from './feed-entry.svelte.js';
import type { PostFeed } from './post-feed.svelte.js';

export const SLOW_MODE_CHOICES = [
  { seconds: 0, label: 'Off' },
  { seconds: 10, label: '10 s' },
  { seconds: 30, label: '30 s' },
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
] as const;

export class Moderation {
  /** The moderation log, newest first; loaded when the panel opens. */
  log = $state<ModLogEntry[]>([]);
  loadingLog = $state(false);
  /** The post's facilitators, creator first; loaded when the co-hosts panel opens. */
  hosts = $state<CoHost[]>([]);
  /** A link made by rotateLink(), shown once while the panel stays open; the board keeps no copy. */
  newLink = $state<string | null>(null);
  #feed: PostFeed;

  constructor(feed: PostFeed) {
    this.#feed = feed;
  }

  get #postId(): string {
    return this.#feed.post.id;
  }

  async pin(entry: FeedEntry, pinned: boolean): Promise<void> {
    const res = await connection.request('mod:pin', { postId: this.#postId, commentId: entry.id, pinned });
    if (this.#ok(res)) this.#feed.setPinned(res.data.pinned);
  }

  async hide(entry: FeedEntry, hidden: boolean): Promise<void> {
    this.#ok(await connection.request('mod:hide', { postId: this.#postId, commentId: entry.id, hidden }));
  }

  async remove(entry: FeedEntry): Promise<void> {
    this.#ok(await connection.request('mod:delete', { postId: this.#postId, commentId: entry.id }));
  }

  /**
   * Removes the comment's author from this discussion (they can still read it);
   * `withAddress`: also the address they last commented from (others sharing it too).
   */
  async ban(entry: FeedEntry, withAddress = false): Promise<boolean> {
    return this.#ok(
      await connection.request('mod:ban', { postId: this.#postId, userId: entry.comment.author.id, banned: true, withAddress }),
    );
  }

  async setLocked(locked: boolean): Promise<void> {
    const res = await connection.request('mod:settings', { postId: this.#postId, locked });
    if (this.#ok(res)) this.#feed.post.locked = res.data.locked;
  }

  async setSlowMode(slowModeSeconds: number): Promise<void> {
    const res = await connection.request('mod:settings', { postId: this.#postId, slowModeSeconds });
    if (this.#ok(res)) this.#feed.post.slowModeSeconds = res.data.slowModeSeconds;
  }

  async loadLog(): Promise<void> {
    this.loadingLog = true;
    const res = await connection.request('mod:log', { postId: this.#postId });
    this.loadingLog = false;
    if (this.#ok(res)) this.log = res.data;
  }

  async loadHosts(): Promise<void> {
    const res = await connection.request('mod:hosts', { postId: this.#postId });
    if (this.#ok(res)) this.hosts = res.data;
  }

  /** Takes the facilitator role back from a co-host; their pages switch to the participant view. */
  async removeHost(host: CoHost): Promise<void> {
    if (this.#ok(await connection.request('mod:remove-host', { postId: this.#postId, userId: host.id }))) await this.loadHosts();
  }

  /** A new facilitator link: the old one stops working; facilitators keep their role. */
  async rotateLink(): Promise<void> {
    const res = await connection.request('mod:rotate-link', { postId: this.#postId });
    if (this.#ok(res)) this.newLink = facilitatorUrl(location.origin, this.#postId, res.data.facilitatorToken);
  }

  #ok<T>(res: Result<T>): res is { ok: true; data: T } {
    if (!res.ok) this.#feed.notice = res.error.message;
    return res.ok;
  }
}
