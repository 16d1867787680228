/**
 * Latency recording in constant memory: a log-linear histogram in the manner of HDR
 * Histogram, indexed straight from the bits of the IEEE-754 double.
 *
 * Bucket = (binary exponent, top `subBits` mantissa bits). With the default 10 bits a bucket
 * spans a relative width of 2^-10, and a quantile is reported as the bucket midpoint, so its
 * relative error is at most 2^-11 ≈ 0.049 % (clamped into the exact [min, max]). Coarser
 * histograms (per time-series window) pass fewer bits: 4 bits give 2^-5 ≈ 3 %. The mean
 * and the maximum are exact. Range: 2^-20 ms (about 1 ns) to 2^31 ms (about 25 days);
 * values outside are clamped into the end buckets, zero has its own bucket.
 * The buckets of one binary exponent form a block, allocated when a value first lands in it:
 * latencies seldom span more than a handful of the 51 octaves, so a replication allocates and
 * scans a few 8 KB blocks rather than 420 KB, which matters to callers that run thousands of
 * short simulations in one process.
 * Cost: record() is a few integer operations, and allocates only a block's first time.
 */
const DEFAULT_SUB_BITS = 10;
const EXP_MIN = 1023 - 20; // biased exponent of 2^-20
const EXP_MAX = 1023 + 30; // biased exponent of 2^30 (values up to 2^31)

/** Guaranteed bound on the relative error of a reported quantile (default precision). */
export const QUANTILE_RELATIVE_ERROR = 2 ** -(DEFAULT_SUB_BITS + 1);

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word is [1]

/** Binary octaves the histograms span (2^-20 ms to 2^31 ms). */
export const OCTAVES = EXP_MAX - EXP_MIN + 1;

export class LatencyHistogram {
  /** blocks[octave][sub]: counts per bucket; null until a value lands in the octave. */
  private readonly blocks: (Float64Array | null)[] = Array.from({ length: OCTAVES }, () => null);
  private readonly subBits: number;
  private zeros = 0;
  private n = 0;
  private sum = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  constructor(subBits = DEFAULT_SUB_BITS) {
    this.subBits = subBits;
  }

  record(value: number): void {
    this.n++;
    this.sum += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    if (value <= 0) {
      this.zeros++;
      return;
    }
    const bucket = bucketOf(value, this.subBits);
    const octave = bucket >>> this.subBits;
    const block = this.blocks[octave] ?? this.allocateBlock(octave);
    block[bucket & ((1 << this.subBits) - 1)]!++;
  }

  private allocateBlock(octave: number): Float64Array {
    const block = new Float64Array(1 << this.subBits);
    this.blocks[octave] = block;
    return block;
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n > 0 ? this.sum / this.n : NaN;
  }

  get max(): number {
    return this.n > 0 ? this.maxValue : NaN;
  }

  get min(): number {
    return this.n > 0 ? this.minValue : NaN;
  }

  /** Nearest-rank quantiles (value at rank ceil(p·n)) for ascending probabilities ps. */
  quantiles(ps: readonly number[]): number[] {
    const out = ps.map(() => NaN);
    if (this.n === 0) return out;
    let k = 0;
    let cumulative = this.zeros;
    const rankOf = (p: number) => Math.max(1, Math.ceil(p * this.n));
    while (k < ps.length && cumulative >= rankOf(ps[k]!)) out[k++] = 0;
    for (let octave = 0; octave < OCTAVES && k < ps.length; octave++) {
      const block = this.blocks[octave];
      if (!block) continue;
      for (let sub = 0; sub < block.length && k < ps.length; sub++) {
        const c = block[sub]!;
        if (c === 0) continue;
        cumulative += c;
        const bucket = (octave << this.subBits) | sub;
        while (k < ps.length && cumulative >= rankOf(ps[k]!)) {
          out[k++] = Math.min(this.maxValue, Math.max(this.minValue, bucketMidpoint(bucket, this.subBits)));
        }
      }
    }
    return out;
  }
}

/**
 * The bucket of a positive value at `subBits` of precision: (octave << subBits) | sub, from 0
 * to (OCTAVES << subBits) − 1. Histograms of the same precision share bucket boundaries, so
 * their counts add and subtract bucket by bucket (window-latencies.ts merges them that way).
 */
export function bucketOf(value: number, subBits: number): number {
  scratch[0] = value;
  const high = scratchWords[HIGH]!;
  let exponent = high >>> 20;
  let sub = (high & 0xfffff) >>> (20 - subBits);
  if (exponent < EXP_MIN) {
    exponent = EXP_MIN;
    sub = 0;
  } else if (exponent > EXP_MAX) {
    exponent = EXP_MAX;
    sub = (1 << subBits) - 1;
  }
  return ((exponent - EXP_MIN) << subBits) | sub;
}

/** The midpoint of a bucket: within 2^-(subBits+1) of any value the bucket holds, relatively. */
export function bucketMidpoint(bucket: number, subBits: number): number {
  const subCount = 1 << subBits;
  const exponent = (bucket >>> subBits) + EXP_MIN - 1023;
  const sub = bucket & (subCount - 1);
  return 2 ** exponent * (1 + (sub + 0.5) / subCount);
}
