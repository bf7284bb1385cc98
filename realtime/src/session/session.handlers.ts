import { AppError, RenameRequest, type SessionInfo } from '@board/shared';
import { handle, type HandlerContext } from '../socket/handle.js';
import type { BoardSocket } from '../socket/types.js';
import type { SessionSigner } from './tokens.js';

export function registerSessionHandlers(socket: BoardSocket, signer: SessionSigner, ctx: HandlerContext): void {
  // Tell the client who it is; it keeps the token for the next handshake. A fresh
  // issue time on every connection: a session in use never expires.
  socket.emit('session', { token: signer.sign({ user: socket.data.user, since: socket.data.since, sso: socket.data.sso }), user: socket.data.user });

  socket.on(
    'session:rename',
    handle(socket, 'session:rename', RenameRequest, async ({ name }, reply: (info: SessionInfo) => void) => {
      // A verified person's name is the one their host signed: they change it there.
      if (socket.data.sso) throw new AppError('FORBIDDEN', 'Your name comes from the site you signed in with: change it there');
      socket.data.user = { ...socket.data.user, name };
      reply({ token: signer.sign({ user: socket.data.user, since: socket.data.since }), user: socket.data.user });
    }, ctx),
  );
}
