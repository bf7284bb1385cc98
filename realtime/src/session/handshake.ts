import { HandshakeAuth, PROTOCOL_VERSION, type ErrorCode } from '@board/shared';
import type { BoardServer } from '../socket/types.js';
import type { SessionSigner } from './tokens.js';
import { clientAddress, type TrustFn } from '../limits/client-address.js';

/** A connect_error the client can branch on: err.message for people, err.data.code for code. */
function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Runs once per connection, before any event: checks the protocol version and
 * turns the signed token into socket.data.user. A missing or forged token gets
 * a fresh guest identity rather than an error, so a first visit just works. An
 * expired one is refused with UNAUTHENTICATED: the client drops it and comes
 * back without a token (keeping the name it remembers).
 */
export function installHandshake(io: BoardServer, signer: SessionSigner, trust: TrustFn): void {
  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success) return next(refusal('INVALID', 'Handshake must carry { v: PROTOCOL_VERSION }'));
    if (auth.data.v !== PROTOCOL_VERSION) {
      return next(
        refusal('PROTOCOL_MISMATCH', `This board speaks protocol ${PROTOCOL_VERSION}, the page speaks ${auth.data.v}: reload the page`),
      );
    }
    const verified = signer.verify(auth.data.token);
    if (verified === 'expired') return next(refusal('UNAUTHENTICATED', 'Your session expired: starting a new one'));
    const session = verified ?? signer.mint();
    socket.data.user = session.user;
    socket.data.since = session.since;
    if (session.sso) socket.data.sso = session.sso;
    socket.data.posts = new Set();
    socket.data.address = clientAddress(socket.request, trust);
    next();
  });
}
