/**
 * What every comment on a post page needs to know about the page: the feed
 * (role, lock, pins) and the facilitator's actions. Set once by Discussion,
 * read by each comment, so threads do not pass them down by hand.
 */
import { createContext } from 'svelte';
import type { CommentTools } from './comment-tools.svelte.js';
import type { Moderation } from './moderation.svelte.js';
import type { PostFeed } from './post-feed.svelte.js';
import type { PostIdentityPolicy } from '$lib/identity/identity-policy.svelte.js';

export interface DiscussionContext {
  feed: PostFeed;
  moderation: Moderation;
  /** Edit, delete and report (comment-tools.svelte.ts). */
  tools: CommentTools;
  /** Inside another site's frame (/embed/): actions that remove or hide something ask first (clickjacking). */
  framed?: boolean;
  /** Who may comment and react here (lib/identity/): guests' reaction buttons are off when only verified people may react. */
  identity?: PostIdentityPolicy;
}

export const [getDiscussion, setDiscussion] = createContext<DiscussionContext>();
