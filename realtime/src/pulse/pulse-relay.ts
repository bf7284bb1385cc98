/**
 * Pulse frames for the buckets that could not go with their write. The store
 * lets one pulse frame per post out per PULSE_FRAME_MS, all nodes together
 * (store/types.ts PulseOut): a write that finds the gate open sends its changed
 * buckets with it (the reaction flush in its `post:totals`, a comment in a
 * `post:pulse`); one that finds it closed leaves them waiting and hands the
 * wait to this relay, which asks the store again when the gate opens and sends
 * whatever waits then as one `post:pulse`. One timer per post, per node.
 */
import type { PulseBucket } from '@board/shared';
import type { PulseOut, Store } from '../store/types.js';
import type { Log } from '../socket/handle.js';

export interface PulseRelay {
  /**
   * Takes a write's PulseOut: returns the buckets to send now (the caller puts
   * them in its own frame), or undefined after arranging a later frame if some wait.
   */
  outcome(postId: string, out: PulseOut): PulseBucket[] | undefined;
  /** Sends the buckets in a `post:pulse` frame of their own (comments). */
  send(postId: string, out: PulseOut): void;
  close(): void;
}

export interface PulseRelayOptions {
  store: Pick<Store, 'takePulse'>;
  /** Sends buckets to everyone viewing the post (Socket.IO room broadcast of `post:pulse`). */
  broadcast(postId: string, buckets: PulseBucket[]): void;
  log: Log;
}

export function createPulseRelay(opts: PulseRelayOptions): PulseRelay {
  const { store, broadcast, log } = opts;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let closed = false;

  const later = (postId: string, ms: number) => {
    if (closed || timers.has(postId)) return;
    timers.set(
      postId,
      setTimeout(() => {
        timers.delete(postId);
        store.takePulse(postId).then(
          (out) => relay.send(postId, out),
          // The buckets stay waiting in the store; the post's next write sends them.
          (err: unknown) => log.error(`Pulse frame of post ${postId} not sent`, (err as Error).message),
        );
      }, ms),
    );
  };

  const relay: PulseRelay = {
    outcome(postId, out) {
      if (out === null) return undefined;
      if ('frame' in out) return out.frame.length > 0 ? out.frame : undefined;
      later(postId, out.retryInMs);
      return undefined;
    },
    send(postId, out) {
      const frame = relay.outcome(postId, out);
      if (frame) broadcast(postId, frame);
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
  return relay;
}
