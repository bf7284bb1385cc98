/**
 * Wire-level constants both sides agree on. Bump PROTOCOL_VERSION whenever an
 * event name or payload shape changes incompatibly; the server refuses a
 * handshake from another version with PROTOCOL_MISMATCH instead of guessing.
 */
export const PROTOCOL_VERSION = 3;

export const LIMITS = {
  /** Characters in one comment body, after trimming. Said in the composer too. */
  commentMax: 5_000,
  /** Characters in a display name, after trimming. */
  nameMax: 40,
  postTitleMax: 120,
  postDescriptionMax: 2_000,
  /** Pinned comments per post: a few announcements, not a second feed. */
  maxPins: 3,
  /** Longest slow-mode interval a facilitator can set, seconds. */
  slowModeMaxSeconds: 3_600,
  /** Routine moderation log entries (pins, hides, locks…) kept per post. */
  modLogMax: 500,
  /**
   * Destructive moderation log entries (DESTRUCTIVE_MOD_ACTIONS) kept per post, in
   * a list of their own: no volume of routine toggles pushes them out.
   */
  modLogKeptMax: 5_000,
} as const;

/** Room names. One room per post; the lobby hears list-level stats. */
export const rooms = {
  post: (postId: string) => `post:${postId}`,
  lobby: 'lobby',
  /** Every socket of one person, on every node: for news meant for them alone. */
  user: (userId: string) => `user:${userId}`,
} as const;
