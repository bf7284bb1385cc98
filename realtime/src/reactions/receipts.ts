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
 * The node also sends at most `perSecond` receipts frames in all, in slots of
 * SLOT_MS, each connection in the first slot with room once its window ends.
 * In a storm every clicker's first answer is due at once: 5,000 frames in the
 * storm's first few hundred ms, on top of its first broadcasts, and the node
 * fell 200–400 ms behind on reading clicks (docs/benchmarks.md). Paced, they
 * spread out, and when more people click than the pace allows, each one's
 * window simply grows (by at most MAX_DELAY_MS): receipts cost a bounded share
 * of the core in any storm a node can take (at ~10 µs a frame, 2,500 a second
 * is ~3 %).
 *
 * One timer serves every connection: in a storm thousands of connections have
 * answers waiting, and a timer each cost more than the frames.
 */
import type { ReactionReceipt, ReactionSetResult, Result } from '@board/shared';
import type { BoardSocket } from '../socket/types.js';
import { emitDirect } from '../socket/direct-frames.js';
import { LATE_MS } from './reaction-coalescer.js';

/** Answers falling due within one slot (ms) leave together. */
const SLOT_MS = 20;

/** The most a connection's answers wait (ms) beyond its window for the pace; then they go over it. */
const MAX_DELAY_MS = 3_000;

interface Pending {
  /**
   * The waiting answers, as refs and results side by side in the first `count`
   * slots. The arrays are kept and refilled, never replaced: a storm keeps each
   * clicker's answers waiting ~2 s for a frame (the pace below), longer than two
   * young collections, so fresh arrays per frame were copied and promoted to the
   * old generation every time. Slots past `count` may still hold earlier results
   * (shared per batch, small).
   */
  refs: (number | null)[];
  results: Result<ReactionSetResult>[];
  count: number;
  lastSentAt: number;
  /** Waiting in a slot. */
  queued: boolean;
}

export interface Receipts {
  /** Queues the answer to the click the client numbered `ref` (null: the payload carried no usable one). */
  add(socket: BoardSocket, ref: number | null, result: Result<ReactionSetResult>): void;
  /** Sends everything waiting now (shutdown). */
  drain(): void;
}

export interface ReceiptsOptions {
  /** At most one frame per connection per window (ms) while a person keeps clicking. */
  windowMs: number;
  /** At most this many frames a second from the node, all connections together (whole frames per 20 ms slot: at least 50). */
  perSecond: number;
  now?: () => number;
}

export function createReceipts(opts: ReceiptsOptions): Receipts {
  const { windowMs } = opts;
  const now = opts.now ?? Date.now;
  const perSlot = Math.max(1, Math.round((opts.perSecond * SLOT_MS) / 1_000));
  const bySocket = new WeakMap<BoardSocket, Pending>();
  /** Connections whose answers leave in a slot (at most `perSlot` each), by slot number (time / SLOT_MS). */
  const slots = new Map<number, BoardSocket[]>();
  /** Slots fullFrom … fullTo - 1 are full (the latest run of full slots filled in order). */
  let fullFrom = 0;
  let fullTo = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let immediate: ReturnType<typeof setImmediate> | null = null;
  /** When the pending timer or immediate is due (ms, `now`; Infinity: none). */
  let wakeAt = Infinity;

  /** Sends a queued connection's answers. */
  const send = (socket: BoardSocket, t: number) => {
    const p = bySocket.get(socket);
    if (!p || !p.queued) return;
    const { refs, results, count } = p;
    p.queued = false;
    p.count = 0;
    p.lastSentAt = t;
    // A closed connection's answers are dropped: its client already gave up on them.
    if (count === 0 || !socket.connected) return;
    const batch: ReactionReceipt[] = new Array(count);
    for (let i = 0; i < count; i++) batch[i] = { ref: refs[i]!, result: results[i]! };
    emitDirect(socket, 'reaction:receipts', batch);
  };

  const unwake = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = null;
    wakeAt = Infinity;
  };

  /** Runs `fire` at `at` (ms), or at the end of this tick when that has passed. */
  const wake = (at: number, t: number) => {
    if (at >= wakeAt) return;
    unwake();
    wakeAt = at;
    if (at <= t) immediate = setImmediate(fire);
    else timer = setTimeout(fire, at - t);
  };

  /** Sends every slot that has begun, then waits for the next. */
  const fire = () => {
    unwake();
    const t = now();
    let next = Infinity;
    for (const [slot, sockets] of slots) {
      if (slot * SLOT_MS > t) {
        if (slot < next) next = slot;
        continue;
      }
      slots.delete(slot);
      for (const socket of sockets) send(socket, t);
    }
    if (next !== Infinity) wake(next * SLOT_MS, t);
  };

  return {
    add(socket, ref, result) {
      const t = now();
      let p = bySocket.get(socket);
      if (!p) bySocket.set(socket, (p = { refs: [], results: [], count: 0, lastSentAt: -Infinity, queued: false }));
      // Overwrites a slot freed by the last frame, or appends (count never exceeds the length).
      p.refs[p.count] = ref;
      p.results[p.count] = result;
      p.count++;
      // A storm's backlog of socket reads starves timers and immediates (LATE_MS);
      // answers are added right after a stored batch, so send the overdue ones from here.
      if (t > wakeAt + LATE_MS) fire();
      // Queued already, or just sent (with this receipt) by that fire.
      if (p.queued || p.count === 0) return;
      p.queued = true;
      // The slot the window ends in (the current one when it has ended), or the first after it with room.
      const dueAt = p.lastSentAt + windowMs;
      let slot = dueAt <= t ? Math.floor(t / SLOT_MS) : Math.ceil(dueAt / SLOT_MS);
      // Past the pace a window grows, but by at most MAX_DELAY_MS: the client gives up on a
      // receipt after 8 s (web connection.react), and a late frame costs less than a resent click.
      const last = slot + MAX_DELAY_MS / SLOT_MS;
      // A storm's first answers all want the same slot: skip the run of full ones in one step.
      if (slot >= fullFrom && slot < fullTo) slot = Math.min(fullTo, last);
      let sockets: BoardSocket[] | undefined;
      while ((sockets = slots.get(slot)) && sockets.length >= perSlot && slot < last) slot++;
      if (sockets) sockets.push(socket);
      else slots.set(slot, (sockets = [socket]));
      if (sockets.length === perSlot) {
        if (slot === fullTo) fullTo++;
        else [fullFrom, fullTo] = [slot, slot + 1];
      }
      wake(slot * SLOT_MS, t);
    },

    drain() {
      unwake();
      const t = now();
      for (const sockets of slots.values()) for (const socket of sockets) send(socket, t);
      slots.clear();
    },
  };
}
