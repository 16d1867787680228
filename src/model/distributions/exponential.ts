/**
 * Exponential distribution with the given mean.
 *
 * Method: inversion, X = −mean·ln U with U uniform on (0, 1] (e.g. Devroye, "Non-Uniform
 * Random Variate Generation", 1986, §II.2). U = 1 − V for the generator's V on [0, 1), so
 * ln U is always finite; the largest sample is 53·ln 2 ≈ 36.7 means.
 *
 * Cost per sample: one uniform, one log.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';

export type ExponentialSpec = Extract<DistributionSpec, { dist: 'exponential' }>;

export function exponentialMoments(spec: ExponentialSpec): Moments {
  return { mean: spec.mean, variance: spec.mean * spec.mean };
}

export class ExponentialSampler {
  readonly mean: number;
  readonly variance: number;

  constructor(
    spec: ExponentialSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.mean > 0)) throw new RangeError(`exponential: mean must be positive, got ${spec.mean}`);
    this.mean = spec.mean;
    this.variance = spec.mean * spec.mean;
  }

  sample(): number {
    return -this.mean * Math.log(this.rng.nextOpen());
  }
}
