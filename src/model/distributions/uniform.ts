/**
 * Continuous uniform distribution on [min, max): mean (min + max)/2, variance (max − min)²/12.
 *
 * Method: X = min + (max − min)·U. Cost per sample: one uniform, one multiply-add.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';

export type UniformSpec = Extract<DistributionSpec, { dist: 'uniform' }>;

export function uniformMoments(spec: UniformSpec): Moments {
  const width = spec.max - spec.min;
  return { mean: (spec.min + spec.max) / 2, variance: (width * width) / 12 };
}

export class UniformSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly min: number;
  private readonly width: number;

  constructor(
    spec: UniformSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.max >= spec.min)) {
      throw new RangeError(`uniform: need min ≤ max, got min=${spec.min}, max=${spec.max}`);
    }
    const moments = uniformMoments(spec);
    this.mean = moments.mean;
    this.variance = moments.variance;
    this.min = spec.min;
    this.width = spec.max - spec.min;
  }

  sample(): number {
    return this.min + this.width * this.rng.next();
  }
}
