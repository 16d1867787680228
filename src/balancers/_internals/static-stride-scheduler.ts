/**
 * gRPC's static stride scheduler: weighted round robin from a shared sequence number, without
 * a heap.
 *
 * Implements: `WeightedRoundRobinLoadBalancer.StaticStrideScheduler` in grpc/grpc-java
 * xds/src/main/java/io/grpc/xds/WeightedRoundRobinLoadBalancer.java (@002b4952; the scheduler
 * gRFC A58 moved to from EDF); reference notes: balancers.md §4 and B15.
 *
 * Variant, exactly:
 * - Weights arrive as Java floats (float32; ≤ 0 means unknown). With k positive weights, mean
 *   `M = Σw / k` (double) and the maximum clamped to `min(max w, float(10·M))`; with none,
 *   `M = max = 1`. Scale `s = 65535 / max` (a float division, as in Java). A positive weight becomes
 *   `max(round(s · min(w, max)), ⌈s · M · 0.1⌉)`; an unknown one `round(s · M)`, the mean.
 *   So every weight lies within [M/10, 10·M] before scaling, which bounds the rounds per pick.
 * - A pick takes `q = sequence++` (uint32, wrapping), `i = q mod n`, generation `g = ⌊q / n⌋`,
 *   and returns `i` unless `(W_i · g + 32767 · i) mod 65535 < 65535 − W_i`, in which case it
 *   moves on to the next sequence number. Over 65535 generations slot i is picked exactly W_i
 *   times; the per-slot offset staggers the skips.
 * - With fewer than two known weights every scaled weight is 65535, and the scheduler is plain
 *   round robin over the sequence: gRPC's "fewer than 2 weights → round robin" falls out.
 * - The sequence is owned by the caller's balancer and survives rebuilds (gRPC keeps one
 *   AtomicInteger per LB, seeded with `random.nextInt()`).
 *
 * Complexity: rebuild O(n); pick O(1) expected, at most ~10 rounds on average with the
 * clamping; no allocation after the first rebuild at a given size.
 */

/** gRPC `K_MAX_WEIGHT`. */
export const MAX_SCALED_WEIGHT = 0xffff;
const MAX_RATIO = 10;
const MIN_RATIO = 0.1;
/** `K_MAX_WEIGHT / 2` in Java integer arithmetic. */
const OFFSET_STEP = 32767;

export class StaticStrideScheduler {
  private scaled = new Uint16Array(0);
  private count = 0;
  /**
   * Initialised with a number so V8 keeps a double field updated in place: a sequence past
   * 2^31 then allocates nothing per pick.
   */
  private sequence = 0;

  /** `sequence` is the starting value of the shared counter, a uint32. */
  constructor(sequence: number) {
    if (!(Number.isInteger(sequence) && sequence >= 0 && sequence < 2 ** 32)) {
      throw new RangeError(`stride scheduler sequence must be a uint32, got ${sequence}`);
    }
    this.sequence = sequence;
  }

  get size(): number {
    return this.count;
  }

  /** The current scaled weights (copies; for tests and reports). */
  scaledWeights(): number[] {
    return Array.from(this.scaled.subarray(0, this.count));
  }

  /** Rebuilds from the first `count` entries of `weights` (float32 values; ≤ 0 = unknown). */
  rebuild(weights: Float32Array, count: number): void {
    if (this.scaled.length < count) this.scaled = new Uint16Array(count);
    this.count = count;
    let weighted = 0;
    let sum = 0;
    let max = 0;
    for (let i = 0; i < count; i++) {
      const weight = weights[i]!;
      if (weight > 0) {
        sum += weight;
        if (weight > max) max = weight;
        weighted++;
      }
    }
    let mean = 1;
    if (weighted > 0) {
      mean = sum / weighted;
      max = Math.min(max, Math.fround(MAX_RATIO * mean));
    } else {
      max = 1;
    }
    // Java: int / float is a float division; the products below are doubles.
    const scale = Math.fround(MAX_SCALED_WEIGHT / max);
    const meanScaled = Math.round(scale * mean);
    const lowerBound = Math.ceil(scale * mean * MIN_RATIO);
    for (let i = 0; i < count; i++) {
      const weight = weights[i]!;
      this.scaled[i] = weight <= 0 ? meanScaled : Math.max(Math.round(scale * Math.min(weight, max)), lowerBound);
    }
  }

  /** The next slot, or -1 when empty. */
  pick(): number {
    const n = this.count;
    if (n === 0) return -1;
    const scaled = this.scaled;
    for (;;) {
      const q = this.sequence;
      this.sequence = q === 0xffffffff ? 0 : q + 1;
      const slot = q % n;
      const generation = (q - slot) / n;
      const weight = scaled[slot]!;
      // weight · generation < 2^16 · 2^32: exact in a double.
      if ((weight * generation + OFFSET_STEP * slot) % MAX_SCALED_WEIGHT >= MAX_SCALED_WEIGHT - weight) return slot;
    }
  }
}
