/**
 * Latencies per time bucket, in histograms that merge: the log-linear buckets of
 * latency-histogram.ts at 7 bits of precision (128 sub-buckets per binary octave), so the
 * histogram of any run of consecutive time buckets is the bucket-by-bucket sum of theirs, and a
 * rolling window moves by adding the bucket that enters and subtracting the one that leaves.
 * A quantile is the midpoint of the bucket holding the nearest-rank value (rank ⌈p·n⌉), so
 * its relative error is at most 2^-8 ≈ 0.39 % (WINDOW_QUANTILE_RELATIVE_ERROR) whatever the
 * number of merged buckets: merging adds counts, never coarsens them. A 10 s window's p99 cannot
 * be built from per-second p99s; it can from per-second histograms.
 *
 * Memory: each time bucket holds one Uint32Array over the octaves its latencies actually span
 * (512 bytes per octave), grown on demand; empty time buckets hold nothing.
 * Cost: record() is a bucket computation and an increment (plus a copy when a bucket's octave
 * range grows); moving a window is O(octaves spanned × 128), a quantile O(octaves + 128).
 */
import { OCTAVES, bucketMidpoint, bucketOf } from './latency-histogram.js';

const SUB_BITS = 7;
const SUBS = 1 << SUB_BITS;
const BUCKETS = OCTAVES << SUB_BITS;

/** Guaranteed bound on the relative error of a window quantile. */
export const WINDOW_QUANTILE_RELATIVE_ERROR = 2 ** -(SUB_BITS + 1);

/** One time bucket's latencies: counts over latency buckets [lo, lo + counts.length). */
interface BucketCounts {
  lo: number;
  counts: Uint32Array;
  /** Latencies ≤ 0 (zero network and service time). */
  zeros: number;
  n: number;
}

export class WindowLatencies {
  private readonly buckets: (BucketCounts | undefined)[] = [];

  /** Records `latency` (ms) in time bucket `index`. */
  record(index: number, latency: number): void {
    let b = this.buckets[index];
    if (b === undefined) {
      b = { lo: 0, counts: new Uint32Array(0), zeros: 0, n: 0 };
      this.buckets[index] = b;
    }
    b.n++;
    if (latency <= 0) {
      b.zeros++;
      return;
    }
    const k = bucketOf(latency, SUB_BITS);
    if (k < b.lo || k >= b.lo + b.counts.length) widen(b, k);
    b.counts[k - b.lo]!++;
  }

  /** Latencies recorded in time bucket `index`. */
  count(index: number): number {
    return this.buckets[index]?.n ?? 0;
  }

  /** An empty accumulator over any set of time buckets. */
  accumulator(): LatencyAccumulator {
    return new LatencyAccumulator(this.buckets);
  }
}

/** Octave-aligned growth: a bucket's range always covers whole octaves. */
function widen(b: BucketCounts, k: number): void {
  const octaveStart = k - (k & (SUBS - 1));
  const lo = b.counts.length === 0 ? octaveStart : Math.min(b.lo, octaveStart);
  const hi = b.counts.length === 0 ? octaveStart + SUBS : Math.max(b.lo + b.counts.length, octaveStart + SUBS);
  const counts = new Uint32Array(hi - lo);
  if (b.counts.length > 0) counts.set(b.counts, b.lo - lo);
  b.lo = lo;
  b.counts = counts;
}

/** The merged histogram of the time buckets added and not removed since. */
export class LatencyAccumulator {
  private readonly counts = new Float64Array(BUCKETS);
  /** Per octave, the sum of its counts: a rank is found octave by octave, then within one. */
  private readonly octaves = new Float64Array(OCTAVES);
  /** The latency buckets that may be non-zero: the union of the ranges ever added. */
  private lo = BUCKETS;
  private hi = 0;
  private zeros = 0;
  private n = 0;

  constructor(private readonly buckets: readonly (BucketCounts | undefined)[]) {}

  get count(): number {
    return this.n;
  }

  add(index: number): void {
    this.apply(index, 1);
  }

  remove(index: number): void {
    this.apply(index, -1);
  }

  private apply(index: number, sign: 1 | -1): void {
    const b = this.buckets[index];
    if (b === undefined) return;
    this.n += sign * b.n;
    this.zeros += sign * b.zeros;
    const counts = this.counts;
    const octaves = this.octaves;
    const source = b.counts;
    // Ranges are whole octaves (widen), so each run of SUBS entries is one octave.
    for (let i = 0, k = b.lo; i < source.length; i += SUBS, k += SUBS) {
      let sum = 0;
      for (let j = 0; j < SUBS; j++) {
        const c = source[i + j]!;
        counts[k + j]! += sign * c;
        sum += c;
      }
      octaves[k >>> SUB_BITS]! += sign * sum;
    }
    if (source.length > 0) {
      if (b.lo < this.lo) this.lo = b.lo;
      if (b.lo + source.length > this.hi) this.hi = b.lo + source.length;
    }
  }

  /**
   * The latency of nearest rank `rank` (1-based) among the merged latencies: the midpoint of
   * its bucket, or 0 for a zero latency. NaN when rank is outside 1…count.
   */
  atRank(rank: number): number {
    if (rank < 1 || rank > this.n) return NaN;
    let cumulative = this.zeros;
    if (cumulative >= rank) return 0;
    const octaves = this.octaves;
    for (let octave = this.lo >>> SUB_BITS; octave < this.hi >>> SUB_BITS; octave++) {
      if (cumulative + octaves[octave]! < rank) {
        cumulative += octaves[octave]!;
        continue;
      }
      const counts = this.counts;
      for (let k = octave << SUB_BITS; ; k++) {
        cumulative += counts[k]!;
        if (cumulative >= rank) return bucketMidpoint(k, SUB_BITS);
      }
    }
    return NaN; // unreachable while counts add up to n
  }
}
