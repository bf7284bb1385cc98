/**
 * Signed identities on the socket: `session:sso` exchanges a host's token for a
 * board session marked "verified by <host>" (the client stores it and
 * reconnects with it, so every check reads the new identity from the
 * handshake); `post:policy` reads a post's policy; `mod:identity` lets a
 * facilitator change it, and everyone on the post hears `post:policy`.
 */
import { AppError, IdentityPolicyRead, IdentityPolicyRequest, SsoExchangeRequest, rooms, type IdentityPolicy, type SessionInfo } from '@board/shared';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import type { SessionSigner } from '../session/tokens.js';
import type { Store } from '../store/types.js';
import { authorizeModeration } from '../moderation/authorize.js';
import type { TokenCheck } from './host-token.js';
import type { IdentityGate } from './identity-gate.js';

export interface SsoDeps {
  io: BoardServer;
  store: Store;
  signer: SessionSigner;
  verify: (token: string) => Promise<TokenCheck>;
  gate: IdentityGate;
  ctx: HandlerContext;
}

export function registerSsoHandlers(socket: BoardSocket, deps: SsoDeps): void {
  const { io, store, signer, verify, gate, ctx } = deps;

  socket.on(
    'session:sso',
    handle(socket, 'session:sso', SsoExchangeRequest, async ({ token }, reply: (info: SessionInfo) => void) => {
      // Verifying a signature costs CPU: a flood of bad tokens spends the claim budget (per address).
      const checked = await verify(token);
      if (!checked.ok) {
        await ctx.limits.consume('claim', socket);
        throw new AppError(checked.code, checked.message);
      }
      const { host, userId, name, picture, facilitator } = checked.identity;
      const user = { id: userId, name, verifiedBy: host.name, ...(picture ? { picture } : {}) };
      reply({ token: signer.sign({ user, since: Date.now(), sso: { host: host.id, facilitator } }), user });
    }, ctx),
  );

  socket.on(
    'post:policy',
    handle(socket, 'post:policy', IdentityPolicyRead, async ({ postId }, reply: (p: IdentityPolicy) => void) => {
      if (!(await store.getPost(postId))) throw new AppError('NOT_FOUND', 'No such post');
      reply(await gate.read(postId));
    }, ctx),
  );

  socket.on(
    'mod:identity',
    handle(socket, 'mod:identity', IdentityPolicyRequest, async ({ postId, ...patch }, reply: (p: IdentityPolicy) => void) => {
      await authorizeModeration(store, socket, postId, ctx.limits);
      const policy = await store.setIdentityPolicy(postId, patch);
      gate.changed(postId, policy);
      reply(policy);
      io.to(rooms.post(postId)).emit('post:policy', postId, policy);
    }, ctx),
  );
}
