/**
 * Applies a post's ordered events exactly once and in sequence order.
 *
 * Events can arrive early (a join is still in flight), late (already in the
 * snapshot), or out of order (two nodes broadcast through Redis on different
 * paths). The buffer drops what it has seen, holds what comes early, applies
 * each contiguous run, and reports a gap that does not close by itself within
 * `gapTimeoutMs` so the caller can resync.
 */
export interface Sequenced {
  seq: number;
}

export interface SeqBufferOptions<E extends Sequenced> {
  apply: (event: E) => void;
  /** Called once per unresolved gap; the caller resyncs and then calls reset(). */
  onGap: (info: { expected: number; held: number }) => void;
  /** How long an early event may wait for the ones before it, in ms. */
  gapTimeoutMs?: number;
  /** Most events held while waiting; past this the gap is reported at once. */
  maxHeld?: number;
}

export class SeqBuffer<E extends Sequenced> {
  /** Last applied sequence number; null until the first snapshot or replay. */
  private last: number | null = null;
  private readonly held = new Map<number, E>();
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  /** Highest sequence number the server said exists (post:head). */
  private announced = 0;
  private readonly gapTimeoutMs: number;
  private readonly maxHeld: number;

  constructor(private readonly opts: SeqBufferOptions<E>) {
    this.gapTimeoutMs = opts.gapTimeoutMs ?? 1_500;
    this.maxHeld = opts.maxHeld ?? 5_000;
  }

  get seq(): number | null {
    return this.last;
  }

  get syncing(): boolean {
    return this.last === null;
  }

  /** Everything up to `seq` is now applied (a snapshot or replay); drain what was held. */
  reset(seq: number): void {
    this.last = seq;
    this.drain();
  }

  /** Forget the position: events are held until the next reset(). */
  suspend(): void {
    this.last = null;
    this.clearTimer();
  }

  push(events: readonly E[]): void {
    for (const event of events) {
      if (this.last !== null && event.seq <= this.last) continue;
      this.held.set(event.seq, event);
    }
    if (this.last !== null) this.drain();
  }

  /**
   * The server says events up to `seq` exist. If we are behind and nothing
   * arrives to close the gap within gapTimeoutMs, it is reported like any gap.
   */
  head(seq: number): void {
    if (seq <= this.announced) return;
    this.announced = seq;
    if (this.last !== null) this.drain();
  }

  dispose(): void {
    this.clearTimer();
    this.held.clear();
  }

  private drain(): void {
    if (this.last === null) return;
    for (const seq of this.held.keys()) if (seq <= this.last) this.held.delete(seq);
    let next = this.held.get(this.last + 1);
    while (next) {
      this.held.delete(next.seq);
      this.last = next.seq;
      this.opts.apply(next);
      next = this.held.get(this.last + 1);
    }
    const behind = this.announced > this.last;
    if (this.held.size === 0 && !behind) {
      this.clearTimer();
    } else if (this.held.size > this.maxHeld) {
      this.reportGap();
    } else if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => this.reportGap(), this.gapTimeoutMs);
    }
  }

  private reportGap(): void {
    this.clearTimer();
    if (this.last === null) return;
    const info = { expected: this.last + 1, held: this.held.size };
    this.suspend();
    this.opts.onGap(info);
  }

  private clearTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }
}
