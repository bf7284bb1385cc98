/**
 * The post list, kept live: comment counts and viewers arrive as `lobby:stats`
 * deltas. Deltas sent before we joined the lobby room (between the server
 * render and the join, or while disconnected) are gone, so the list is
 * fetched again after every join. New discussions arrive whole (`lobby:post`).
 */
import { EventClock, PostSummary } from '@board/shared';
import { z } from 'zod';
import { connection } from './connection.svelte.js';

const PostList = z.object({ posts: z.array(PostSummary) });
const Stats = z.object({
  postId: z.string(),
  commentCount: z.number().int().nonnegative().optional(),
  viewers: z.number().int().nonnegative().optional(),
  clock: EventClock.optional(),
});

export class Lobby {
  posts = $state<PostSummary[]>([]);
  #cleanup: (() => void) | null = null;

  constructor(posts: PostSummary[]) {
    this.posts = posts;
  }

  start(): void {
    if (this.#cleanup) return;
    const socket = connection.socket;
    const onStats = (raw: unknown) => {
      const stats = Stats.safeParse(raw);
      if (!stats.success) return;
      const post = this.posts.find((p) => p.id === stats.data.postId);
      if (!post) return void this.#refresh(); // a new post: the list needs its title
      if (stats.data.commentCount !== undefined) post.commentCount = stats.data.commentCount;
      if (stats.data.viewers !== undefined) post.viewers = stats.data.viewers;
      if (stats.data.clock !== undefined) post.clock = stats.data.clock;
    };
    // A discussion just started: at the top of the list, no refetch needed.
    const onPost = (raw: unknown) => {
      const post = PostSummary.safeParse(raw);
      if (post.success && !this.posts.some((p) => p.id === post.data.id)) this.posts.unshift(post.data);
    };
    const offConnect = connection.onConnect(async () => {
      const joined = await connection.request('lobby:join');
      if (joined.ok) await this.#refresh();
    });
    socket.on('lobby:stats', onStats);
    socket.on('lobby:post', onPost);
    this.#cleanup = () => {
      offConnect();
      socket.off('lobby:stats', onStats);
      socket.off('lobby:post', onPost);
      // Leaving the list: stop the per-post stats this page no longer shows.
      if (socket.connected) socket.emit('lobby:leave');
    };
  }

  stop(): void {
    this.#cleanup?.();
    this.#cleanup = null;
  }

  async #refresh(): Promise<void> {
    try {
      const res = await fetch('/api/posts');
      const list = PostList.safeParse(await res.json());
      if (list.success) this.posts = list.data.posts;
    } catch {
      // Offline again: the next reconnect refreshes.
    }
  }
}
