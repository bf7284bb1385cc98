/**
 * Who may comment and react on one post (guests, or only people signed in
 * through a host), read after every (re)connect and followed live.
 * Facilitators change it here too.
 */
import { openPolicy, type IdentityPolicy, type IdentityPolicyRequest, type Result } from '@board/shared';
import { connection } from '$lib/realtime/connection.svelte';

export class PostIdentityPolicy {
  policy = $state<IdentityPolicy>(openPolicy());
  readonly #postId: string;

  constructor(postId: string) {
    this.#postId = postId;
  }

  /** Whether this person may comment (or react) here, as the server will judge it (facilitators always may). */
  allows(action: 'comment' | 'react', facilitator: boolean): boolean {
    if (facilitator || connection.user?.verifiedBy) return true;
    return !(action === 'comment' ? this.policy.verifiedToComment : this.policy.verifiedToReact);
  }

  /** Follows the post's policy; returns the stop. */
  start(): () => void {
    const offConnect = connection.onConnect(() => {
      void connection.request('post:policy', { postId: this.#postId }).then((res) => {
        if (res.ok) this.policy = res.data;
      });
    });
    const onPolicy = (postId: string, policy: IdentityPolicy) => {
      if (postId === this.#postId) this.policy = policy;
    };
    connection.socket.on('post:policy', onPolicy);
    return () => {
      offConnect();
      connection.socket.off('post:policy', onPolicy);
    };
  }

  async change(patch: Omit<IdentityPolicyRequest, 'postId'>): Promise<Result<IdentityPolicy>> {
    const res = await connection.request('mod:identity', { postId: this.#postId, ...patch });
    if (res.ok) this.policy = res.data;
    return res;
  }
}
