/**
 * Answers to ack-less reaction clicks, batched per connection.
 *
 * A click's own display is optimistic and never waits for its answer, and in a
 * storm an ack frame per click was most of what the node wrote (20,000 of ~34,000
 * frames a second, a write syscall each; docs/benchmarks.md). So a connection's answers are
 * collected: the first after a quiet spell leaves as soon as the tick that
 * produced it ends (answers of one stored batch travel together); while the
 * person keeps clicking, at most one frame per `windowMs`.
 *
 * One timer serves every connection: in a storm thousands of connections have
 * answers waiting, and a timer each cost more than the frames.
 */
import type { ReactionReceipt, ReactionSetResult, Result } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';
import { emitDirect } from '../socket/direct-frames.js';
import { LATE_MS } from './reaction-coalescer.js';

/** Answers falling due within one slot (ms) leave in the same timer callback. */
const SLOT_MS = 20;

interface Pending {
  /**
   * The waiting answers, as refs and results side by side: a storm keeps
   * ~20,000 a second waiting up to `windowMs`, long enough to outlive a young
   * collection, and an object per answer was much of what the collector copied.
   * The results themselves are mostly shared (reactions.handlers.ts).
   */
  refs: (number | null)[];
  results: Result<ReactionSetResult>[];
  lastSentAt: number;
  /** Waiting in `dueNow` or in a slot of `later`. */
  queued: boolean;
}

export interface Receipts {
  /** Queues the answer to the click the client numbered `ref` (null: the payload carried no usable one). */
  add(socket: BoardSocket, ref: number | null, result: Result<ReactionSetResult>): void;
  /** Sends everything waiting now (shutdown). */
  drain(): void;
}

export function createReceipts(opts: { windowMs: number; now?: () => number }): Receipts {
  const { windowMs } = opts;
  const now = opts.now ?? Date.now;
  const bySocket = new WeakMap<BoardSocket, Pending>();
  /** Connections whose answers leave when this tick's work is done. */
  let dueNow: BoardSocket[] = [];
  let immediate: ReturnType<typeof setImmediate> | null = null;
  /** When `immediate` was set (ms, `now`). */
  let immediateSince = 0;
  /** Connections still inside their window, by the slot their window ends in. */
  const later = new Map<number, BoardSocket[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerSlot = Infinity;

  /** Sends a queued connection's answers; it is queued only where its window has ended (or at drain). */
  const send = (socket: BoardSocket) => {
    const p = bySocket.get(socket);
    if (!p || !p.queued) return;
    const { refs, results } = p;
    p.queued = false;
    p.refs = [];
    p.results = [];
    p.lastSentAt = now();
    // A closed connection's answers are dropped: its client already gave up on them.
    if (refs.length === 0 || !socket.connected) return;
    const batch: ReactionReceipt[] = new Array(refs.length);
    for (let i = 0; i < refs.length; i++) batch[i] = { ref: refs[i]!, result: results[i]! };
    emitDirect(socket, 'reaction:receipts', batch);
  };

  const sendDueNow = () => {
    immediate = null;
    const sockets = dueNow;
    dueNow = [];
    for (const socket of sockets) send(socket);
  };

  const arm = (slot: number) => {
    if (slot >= timerSlot) return;
    if (timer) clearTimeout(timer);
    timerSlot = slot;
    timer = setTimeout(fire, Math.max(0, slot * SLOT_MS - now()));
  };

  const fire = () => {
    timer = null;
    timerSlot = Infinity;
    const t = now();
    let next = Infinity;
    for (const [slot, sockets] of later) {
      if (slot * SLOT_MS <= t) {
        later.delete(slot);
        for (const socket of sockets) send(socket);
      } else if (slot < next) next = slot;
    }
    if (next !== Infinity) arm(next);
  };

  return {
    add(socket, ref, result) {
      const t = now();
      let p = bySocket.get(socket);
      if (!p) bySocket.set(socket, (p = { refs: [], results: [], lastSentAt: 0, queued: false }));
      p.refs.push(ref);
      p.results.push(result);
      // A storm's backlog of socket reads starves timers and immediates (LATE_MS);
      // answers are added right after a stored batch, so send the overdue ones from here.
      if (timer && t > timerSlot * SLOT_MS + LATE_MS) {
        clearTimeout(timer);
        fire();
      }
      if (immediate && t > immediateSince + LATE_MS) {
        clearImmediate(immediate);
        sendDueNow();
      }
      // Queued already, or just sent (with this receipt) by the overdue timer.
      if (p.queued || p.refs.length === 0) return;
      p.queued = true;
      const dueAt = p.lastSentAt + windowMs;
      if (dueAt <= t) {
        dueNow.push(socket);
        if (!immediate) {
          immediate = setImmediate(sendDueNow);
          immediateSince = t;
        }
        return;
      }
      const slot = Math.ceil(dueAt / SLOT_MS);
      const sockets = later.get(slot);
      if (sockets) sockets.push(socket);
      else later.set(slot, [socket]);
      arm(slot);
    },

    drain() {
      if (immediate) clearImmediate(immediate);
      if (timer) clearTimeout(timer);
      immediate = timer = null;
      timerSlot = Infinity;
      sendDueNow();
      for (const sockets of later.values()) for (const socket of sockets) send(socket);
      later.clear();
    },
  };
}
