/**
 * The one place ordered post events leave this node. Each call is one
 * Socket.IO room broadcast: the packet is encoded once and the same frame is
 * written to every socket in the room, on every node (through the adapter).
 */
import { rooms, type PostEvent } from '@board/shared';
import type { BoardServer } from '../socket/types.js';

export interface PostBroadcaster {
  send(postId: string, events: PostEvent[]): void;
}

export function createPostBroadcaster(io: BoardServer): PostBroadcaster {
  return {
    send(postId, events) {
      if (events.length > 0) io.to(rooms.post(postId)).emit('post:events', postId, events);
    },
  };
}
