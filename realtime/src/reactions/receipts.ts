/**
 * Answers to ack-less reaction clicks, batched per connection.
 *
 * A click's own display is optimistic and never waits for its answer, and in a
 * storm an ack frame per click was most of what the node wrote (20,000 of ~34,000
 * frames a second, a write syscall each; docs/benchmarks.md). So a connection's answers are
 * collected: the first after a quiet spell leaves as soon as the tick that
 * produced it ends (answers of one stored batch travel together); while the
 * person keeps clicking, at most one frame per `windowMs`.
 */
import type { ReactionReceipt } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';

interface Pending {
  receipts: ReactionReceipt[];
  /** Cancels the scheduled send; null when none is scheduled. */
  cancel: (() => void) | null;
  lastSentAt: number;
}

export interface Receipts {
  add(socket: BoardSocket, receipt: ReactionReceipt): void;
  /** Sends everything waiting now (shutdown). */
  drain(): void;
}

export function createReceipts(opts: { windowMs: number }): Receipts {
  const { windowMs } = opts;
  const bySocket = new WeakMap<BoardSocket, Pending>();
  /** Sockets with receipts waiting, for drain(). */
  const waiting = new Set<BoardSocket>();

  const send = (socket: BoardSocket, p: Pending) => {
    p.cancel = null;
    waiting.delete(socket);
    if (p.receipts.length === 0) return;
    const batch = p.receipts;
    p.receipts = [];
    p.lastSentAt = Date.now();
    // A closed connection's answers are dropped: its client already gave up on them.
    if (socket.connected) socket.emit('reaction:receipts', batch);
  };

  return {
    add(socket, receipt) {
      let p = bySocket.get(socket);
      if (!p) bySocket.set(socket, (p = { receipts: [], cancel: null, lastSentAt: 0 }));
      p.receipts.push(receipt);
      if (p.cancel) return;
      waiting.add(socket);
      const wait = p.lastSentAt + windowMs - Date.now();
      const pending = p;
      if (wait <= 0) {
        const immediate = setImmediate(() => send(socket, pending));
        p.cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(() => send(socket, pending), wait);
        p.cancel = () => clearTimeout(timer);
      }
    },

    drain() {
      for (const socket of [...waiting]) {
        const p = bySocket.get(socket);
        if (!p) continue;
        p.cancel?.();
        send(socket, p);
      }
    },
  };
}
