/**
 * A person talking to the board straight over Socket.IO, for tests that need
 * more than a browser would type by hand: a few hundred comments, a reaction,
 * a pin. Uses the same shared event contract as the web app.
 */
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type Comment,
  type CreatedPost,
  type Result,
  type ServerToClientEvents,
} from '@board/shared';

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function unwrap<T>(res: Result<T>): T {
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.data;
}

export class BoardClient {
  private constructor(readonly socket: BoardSocket) {}

  /** Connects as a new person with a display name. */
  static async connect(baseURL: string, name: string): Promise<BoardClient> {
    const socket: BoardSocket = io(baseURL, {
      transports: ['websocket'],
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { origin: new URL(baseURL).origin },
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    const client = new BoardClient(socket);
    unwrap(await socket.emitWithAck('session:rename', { name }));
    return client;
  }

  /** Opens a post, as a page does before anyone on it comments or reacts. */
  async join(postId: string): Promise<void> {
    unwrap(await this.socket.emitWithAck('post:join', { postId }));
  }

  async createPost(title: string, description = ''): Promise<CreatedPost> {
    return unwrap(await this.socket.emitWithAck('post:create', { title, description }));
  }

  async comment(postId: string, body: string, parentId: string | null = null): Promise<Comment> {
    const clientId = `e2e${Math.random().toString(36).slice(2, 12)}`;
    return unwrap(await this.socket.emitWithAck('comment:create', { postId, parentId, body, clientId }));
  }

  async react(postId: string, commentId: string, kind: 'like' | 'love' | 'laugh' | 'wow'): Promise<void> {
    unwrap(await this.socket.emitWithAck('reaction:set', { postId, commentId, kind, active: true }));
  }

  async pin(postId: string, commentId: string, pinned = true): Promise<void> {
    unwrap(await this.socket.emitWithAck('mod:pin', { postId, commentId, pinned }));
  }

  close(): void {
    this.socket.close();
  }
}
