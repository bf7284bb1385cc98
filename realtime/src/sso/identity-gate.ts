/**
 * Per post, whether guests may comment and react (IdentityPolicy), and SSO
 * facilitators becoming facilitators of their host's events.
 *
 * Comments read the policy from the store (they are acked after a store write
 * anyway). Reaction clicks are the hot path: a guest's click reads a per-node
 * copy at most POLICY_CACHE_MS old; the node that changes a policy drops its
 * copy at once, other nodes follow within that time. Verified people and
 * facilitators never wait for a read.
 */
import { AppError, type IdentityPolicy } from '@board/shared';
import type { Store } from '../store/types.js';
import type { BoardSocket } from '../socket/types.js';

export interface IdentityGate {
  /** Throws VERIFIED_REQUIRED when the post lets only verified people do this. */
  require(socket: BoardSocket, postId: string, action: 'comment' | 'react'): Promise<void>;
  /**
   * For the reaction hot path: undefined when the click may go on now (a verified person, or a
   * fresh cached policy that lets guests react), so it stays synchronous; otherwise require's check.
   */
  reactionCheck(socket: BoardSocket, postId: string): Promise<void> | undefined;
  /** Before a join reads the role: a host-signed facilitator of the post's host becomes one of its facilitators. */
  beforeJoin(socket: BoardSocket, postId: string): Promise<void>;
  /** The policy now (for `post:policy`), from the store. */
  read(postId: string): Promise<IdentityPolicy>;
  /** A policy this node just stored: its cached copy is replaced at once. */
  changed(postId: string, policy: IdentityPolicy): void;
}

export function createIdentityGate(store: Store, cacheMs: number, now: () => number = Date.now): IdentityGate {
  const cache = new Map<string, { policy: IdentityPolicy; until: number }>();
  let nextSweep = 0;

  const cached = async (postId: string): Promise<IdentityPolicy> => {
    const t = now();
    if (t >= nextSweep) {
      for (const [id, c] of cache) if (c.until <= t) cache.delete(id);
      nextSweep = t + cacheMs * 10;
    }
    const hit = cache.get(postId);
    if (hit && hit.until > t) return hit.policy;
    const policy = await store.identityPolicy(postId);
    cache.set(postId, { policy, until: t + cacheMs });
    return policy;
  };

  const gate: IdentityGate = {
    async require(socket, postId, action) {
      if (socket.data.sso) return;
      const policy = action === 'comment' ? await store.identityPolicy(postId) : await cached(postId);
      const needed = action === 'comment' ? policy.verifiedToComment : policy.verifiedToReact;
      if (!needed) return;
      // Facilitators (the creator, co-hosts) are never held back by their own setting.
      if ((await store.role(postId, socket.data.user.id)) === 'facilitator') return;
      throw new AppError(
        'VERIFIED_REQUIRED',
        action === 'comment' ? 'Sign in through the site hosting this discussion to comment here' : 'Sign in through the site hosting this discussion to react here',
      );
    },

    async beforeJoin(socket, postId) {
      const sso = socket.data.sso;
      if (!sso?.facilitator) return;
      const policy = await store.identityPolicy(postId);
      if (policy.host !== sso.host) return;
      if ((await store.role(postId, socket.data.user.id)) === 'facilitator') return;
      await store.addHost(postId, socket.data.user.id, socket.data.user.name ?? undefined);
    },

    reactionCheck(socket, postId) {
      if (socket.data.sso) return undefined;
      const hit = cache.get(postId);
      if (hit && hit.until > now() && !hit.policy.verifiedToReact) return undefined;
      return gate.require(socket, postId, 'react');
    },

    read: (postId) => store.identityPolicy(postId),

    changed(postId, policy) {
      cache.set(postId, { policy, until: now() + cacheMs });
    },
  };
  return gate;
}
