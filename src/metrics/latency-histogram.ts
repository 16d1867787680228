/**
 * Latency recording in constant memory: a log-linear histogram in the manner of HDR
 * Histogram, indexed straight from the bits of the IEEE-754 double.
 *
 * Bucket = (binary exponent, top SUB_BITS mantissa bits). With SUB_BITS = 10 a bucket spans
 * a relative width of 2^-10, and a quantile is reported as the bucket midpoint, so its
 * relative error is at most 2^-11 ≈ 0.049 % (clamped into the exact [min, max]). The mean
 * and the maximum are exact. Range: 2^-20 ms (about 1 ns) to 2^31 ms (about 25 days);
 * values outside are clamped into the end buckets, zero has its own bucket.
 * Cost: record() is a few integer operations and no allocation.
 */
const SUB_BITS = 10;
const SUB_COUNT = 1 << SUB_BITS;
const EXP_MIN = 1023 - 20; // biased exponent of 2^-20
const EXP_MAX = 1023 + 30; // biased exponent of 2^30 (values up to 2^31)
const BUCKETS = (EXP_MAX - EXP_MIN + 1) * SUB_COUNT;

/** Guaranteed bound on the relative error of a reported quantile. */
export const QUANTILE_RELATIVE_ERROR = 2 ** -(SUB_BITS + 1);

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word is [1]

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private zeros = 0;
  private n = 0;
  private sum = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  record(value: number): void {
    this.n++;
    this.sum += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    if (value <= 0) {
      this.zeros++;
      return;
    }
    this.counts[bucketOf(value)]!++;
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
    for (let b = 0; b < BUCKETS && k < ps.length; b++) {
      const c = this.counts[b]!;
      if (c === 0) continue;
      cumulative += c;
      while (k < ps.length && cumulative >= rankOf(ps[k]!)) {
        out[k++] = Math.min(this.maxValue, Math.max(this.minValue, bucketMidpoint(b)));
      }
    }
    return out;
  }
}

function bucketOf(value: number): number {
  scratch[0] = value;
  const high = scratchWords[HIGH]!;
  let exponent = high >>> 20;
  let sub = (high & 0xfffff) >>> (20 - SUB_BITS);
  if (exponent < EXP_MIN) {
    exponent = EXP_MIN;
    sub = 0;
  } else if (exponent > EXP_MAX) {
    exponent = EXP_MAX;
    sub = SUB_COUNT - 1;
  }
  return ((exponent - EXP_MIN) << SUB_BITS) | sub;
}

function bucketMidpoint(bucket: number): number {
  const exponent = (bucket >>> SUB_BITS) + EXP_MIN - 1023;
  const sub = bucket & (SUB_COUNT - 1);
  return 2 ** exponent * (1 + (sub + 0.5) / SUB_COUNT);
}
