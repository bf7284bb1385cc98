/**
 * A post's identity policy (who may comment and react: sso/identity-gate.ts) in
 * storage, on both engines: open by default, a patch changes only its fields,
 * reads back through a second store on the same data, and no such post is NOT_FOUND.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Store } from '@board/realtime';
import { CONTRACT_ENGINES, contractStore, uniquePrefix } from '../support/board.js';

for (const engine of CONTRACT_ENGINES) {
  describe(`identity policy storage: ${engine}`, () => {
    let store: Store;
    const opened: Store[] = [];
    let prefix = '';
    const open = (): Store => {
      const s = contractStore(engine, { redisUrl: inject('redisUrl'), clusterNodes: inject('redisClusterNodes') }, { prefix });
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      prefix = uniquePrefix();
      store = open();
      await store.createPost({ id: 'ev', title: 'Event' });
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('is open until set, changes only the fields given, and clears the host with null', async () => {
      expect(await store.identityPolicy('ev')).toEqual({ verifiedToComment: false, verifiedToReact: false, host: null });
      expect(await store.setIdentityPolicy('ev', { verifiedToComment: true })).toEqual({ verifiedToComment: true, verifiedToReact: false, host: null });
      expect(await store.setIdentityPolicy('ev', { verifiedToReact: true, host: 'fanzine' })).toEqual({
        verifiedToComment: true,
        verifiedToReact: true,
        host: 'fanzine',
      });
      expect(await store.setIdentityPolicy('ev', { verifiedToComment: false, host: undefined })).toEqual({
        verifiedToComment: false,
        verifiedToReact: true,
        host: 'fanzine',
      });
      expect(await store.setIdentityPolicy('ev', { host: null })).toMatchObject({ host: null });
      expect(await store.identityPolicy('ev')).toEqual({ verifiedToComment: false, verifiedToReact: true, host: null });
      if (engine !== 'memory') expect(await open().identityPolicy('ev')).toEqual({ verifiedToComment: false, verifiedToReact: true, host: null });
    });

    it('refuses a policy for a post that does not exist, and stores nothing for it', async () => {
      await expect(store.setIdentityPolicy('nope', { verifiedToComment: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.identityPolicy('nope')).toEqual({ verifiedToComment: false, verifiedToReact: false, host: null });
      // The other post is untouched.
      expect(await store.identityPolicy('ev')).toMatchObject({ verifiedToComment: false });
    });
  });
}
