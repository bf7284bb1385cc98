/**
 * The post list, kept live: comment counts and viewers arrive as `lobby:stats`
 * deltas. Deltas sent before we joined the lobby room (between the server
 * render and the join, or while disconnected) are gone, so the list is
 * fetched again after every join.
 */
import { PostSummary } from '@board/shared';
import { z } from 'zod';
import { connection } from './connection.svelte.js';

const PostList = z.object({ posts: z.array(PostSummary) });
const Stats = z.object({
  postId: z.string(),
  commentCount: z.number().int().nonnegative().optional(),
  viewers: z.number().int().nonnegative().optional(),
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
    };
    const offConnect = connection.onConnect(async () => {
      const joined = await connection.request('lobby:join');
      if (joined.ok) await this.#refresh();
    });
    socket.on('lobby:stats', onStats);
    this.#cleanup = () => {
      offConnect();
      socket.off('lobby:stats', onStats);
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
