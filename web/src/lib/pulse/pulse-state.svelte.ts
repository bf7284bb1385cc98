/**
 * One post's pulse on this screen: the stored 5 s buckets, merged from the join
 * answer, the totals frames and the pulse frames. Counts only grow, so each
 * field keeps the larger value heard (shared/src/pulse.ts mergePulse): frames
 * from any node, in any order, end in the same pulse.
 */
import { PULSE_BUCKET_MS, PulseBucket, bucketReactions, mergePulse } from '@board/shared';
import { z } from 'zod';

const Buckets = z.array(PulseBucket);

export class PulseState {
  /** Bumped on every change: the buckets map itself is not reactive. */
  version = $state(0);
  readonly #buckets = new Map<number, PulseBucket>();

  /** Read through this so a template or $derived re-runs on change. */
  get buckets(): ReadonlyMap<number, PulseBucket> {
    void this.version;
    return this.#buckets;
  }

  /** Merges buckets from the server; anything malformed is ignored (the next frame or join heals it). */
  merge(raw: unknown): void {
    const parsed = Buckets.safeParse(raw ?? []);
    if (parsed.success && mergePulse(this.#buckets, parsed.data)) this.version++;
  }

  /** Reactions stamped in event time [fromMs, toMs). */
  reactionsBetween(fromMs: number, toMs: number): number {
    let n = 0;
    const first = Math.floor(Math.max(0, fromMs) / PULSE_BUCKET_MS);
    const last = Math.ceil(toMs / PULSE_BUCKET_MS);
    for (let i = first; i < last; i++) {
      const b = this.buckets.get(i);
      if (b) n += bucketReactions(b);
    }
    return n;
  }

  /** All reactions counted so far (presses; taking one back does not remove it). */
  get totalReactions(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += bucketReactions(b);
    return n;
  }
}
