/**
 * Request keys for hashing balancers (ring hash, Maglev): integers in [0, count).
 *
 * - uniform: every key equally likely; one uniform per sample.
 * - zipf: key k (rank k + 1) has P(k) ∝ 1/(k + 1)^s, the popularity law of web objects and
 *   cache keys (Breslau et al., "Web caching and Zipf-like distributions", INFOCOM 1999).
 *   Sampled from a Walker alias table built once by Vose's method (Walker, ACM TOMS 3(3),
 *   1977; Vose, IEEE TSE 17(9), 1991): O(count) to build, O(1) per sample.
 */
import type { RngStream } from '../engine/rng.js';
import type { KeySpec } from '../scenario/schema.js';

export interface KeySampler {
  sample(): number;
}

export function createKeySampler(spec: KeySpec, rng: RngStream): KeySampler {
  switch (spec.kind) {
    case 'uniform':
      return new UniformKeys(spec.count, rng);
    case 'zipf':
      return new AliasSampler(new AliasTable(zipfWeights(spec.count, spec.s)), rng);
    default:
      return unknownKeys(spec);
  }
}

/** Unnormalised Zipf weights 1/(k + 1)^s for k in [0, count). */
export function zipfWeights(count: number, s: number): Float64Array {
  const weights = new Float64Array(count);
  for (let k = 0; k < count; k++) weights[k] = Math.pow(k + 1, -s);
  return weights;
}

export class UniformKeys implements KeySampler {
  constructor(
    private readonly count: number,
    private readonly rng: RngStream,
  ) {
    if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`keys: count must be a positive integer, got ${count}`);
  }

  sample(): number {
    return this.rng.int(this.count);
  }
}

/**
 * Walker's alias table: column i keeps i with probability `keep[i]` and otherwise yields
 * `alias[i]`, so that picking a column uniformly and then tossing its coin reproduces the
 * weights exactly (up to rounding of the doubles).
 */
export class AliasTable {
  readonly size: number;
  readonly keep: Float64Array;
  readonly alias: Uint32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('alias table: no weights');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`alias table: weight ${i} is ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('alias table: weights sum to zero');

    this.size = n;
    this.keep = new Float64Array(n);
    this.alias = new Uint32Array(n);
    // Each weight scaled so that the average column holds exactly 1.
    const scaled = new Float64Array(n);
    const small = new Uint32Array(n);
    const large = new Uint32Array(n);
    let smallCount = 0;
    let largeCount = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[smallCount++] = i;
      else large[largeCount++] = i;
    }
    while (smallCount > 0 && largeCount > 0) {
      const lacking = small[--smallCount]!;
      const donor = large[--largeCount]!;
      this.keep[lacking] = scaled[lacking]!;
      this.alias[lacking] = donor;
      // Vose's form (a + b) − 1 loses less precision than a − (1 − b).
      scaled[donor] = scaled[donor]! + scaled[lacking]! - 1;
      if (scaled[donor]! < 1) small[smallCount++] = donor;
      else large[largeCount++] = donor;
    }
    // Whatever is left is 1 up to rounding: such columns always keep their own index.
    while (largeCount > 0) this.fillSelf(large[--largeCount]!);
    while (smallCount > 0) this.fillSelf(small[--smallCount]!);
  }

  /** The probability of each index as the table encodes it: what sampling actually yields. */
  probabilities(): Float64Array {
    const p = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      p[i] = p[i]! + this.keep[i]! / this.size;
      p[this.alias[i]!] = p[this.alias[i]!]! + (1 - this.keep[i]!) / this.size;
    }
    return p;
  }

  private fillSelf(i: number): void {
    this.keep[i] = 1;
    this.alias[i] = i;
  }
}

/**
 * Samples an alias table with ONE uniform: its integer part after scaling by n picks the
 * column and its fractional part is the coin. The coin keeps 53 − ⌈log₂ n⌉ bits (39 bits
 * for a million keys), far finer than any frequency a run can measure.
 */
export class AliasSampler implements KeySampler {
  private readonly size: number;
  private readonly keep: Float64Array;
  private readonly alias: Uint32Array;

  constructor(
    table: AliasTable,
    private readonly rng: RngStream,
  ) {
    this.size = table.size;
    this.keep = table.keep;
    this.alias = table.alias;
  }

  sample(): number {
    const u = this.rng.next() * this.size;
    const column = Math.floor(u);
    return u - column < this.keep[column]! ? column : this.alias[column]!;
  }
}

function unknownKeys(spec: never): never {
  throw new Error(`unknown key distribution: ${JSON.stringify(spec)}`);
}
