import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, User } from '@board/shared';
import type { SsoSession } from '../session/tokens.js';

export interface SocketData {
  user: User;
  /** When this person's session began (ms since epoch): budgets for new sessions read it. */
  since: number;
  /** The client's address under the TRUST_PROXY rule (limits/client-address.ts), taken once at the handshake. */
  address: string;
  /** That address as a keyed hash: what the per-address checks store (limits/identity-guard.ts). */
  addressKey: string;
  /** Posts a facilitator removed this address from, read at the handshake. */
  removedFrom: string[];
  /** Posts this socket has joined, for presence bookkeeping on disconnect. */
  posts: Set<string>;
  /** Signed in through an SSO host (realtime/src/sso/): which, and whether as its facilitator. Absent for guests. */
  sso?: SsoSession;
}

/** Between nodes, besides the adapter's own broadcasts (io.serverSideEmit). */
export interface InterServerEvents {
  /** A node's count of a post's viewers changed: the total over all nodes it read then. */
  'presence:total': (postId: string, viewers: number) => void;
}

export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
