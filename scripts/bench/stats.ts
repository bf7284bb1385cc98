/** Latency samples and their percentiles; bounded so a long run cannot eat the load process's memory. */
export const MAX_SAMPLES = 4_000_000;

export class Samples {
  private data = new Float64Array(1 << 16);
  private n = 0;
  /** Samples dropped once MAX_SAMPLES were kept (then percentiles describe the first MAX_SAMPLES). */
  dropped = 0;

  add(ms: number): void {
    if (this.n === this.data.length) {
      if (this.n >= MAX_SAMPLES) {
        this.dropped++;
        return;
      }
      const bigger = new Float64Array(Math.min(this.data.length * 2, MAX_SAMPLES));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }

  get count(): number {
    return this.n;
  }

  /** The q-quantile (0 < q ≤ 1) of what was kept; NaN with no samples. */
  quantile(q: number): number {
    return this.n === 0 ? NaN : at(this.sorted(), q);
  }

  summary(): LatencySummary {
    if (this.n === 0) return { count: 0, p50: NaN, p99: NaN, p999: NaN, max: NaN };
    const sorted = this.sorted();
    return { count: this.n, p50: at(sorted, 0.5), p99: at(sorted, 0.99), p999: at(sorted, 0.999), max: sorted[this.n - 1]! };
  }

  private sorted(): Float64Array {
    return this.data.slice(0, this.n).sort();
  }
}

/** The q-quantile of ascending, non-empty `sorted` (nearest rank). */
function at(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}
