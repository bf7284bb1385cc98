/**
 * What every comment on a post page needs to know about the page: the feed
 * (role, lock, pins) and the facilitator's actions. Set once by Discussion,
 * read by each comment, so threads do not pass them down by hand.
 */
import { createContext } from 'svelte';
import type { CommentTools } from './comment-tools.svelte.js';
import type { Moderation } from './moderation.svelte.js';
import type { PostFeed } from './post-feed.svelte.js';

export interface DiscussionContext {
  feed: PostFeed;
  moderation: Moderation;
  /** Edit, delete and report (comment-tools.svelte.ts). */
  tools: CommentTools;
}

export const [getDiscussion, setDiscussion] = createContext<DiscussionContext>();
