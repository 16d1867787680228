/**
 * Constant (degenerate) distribution: every sample equals `value`.
 *
 * Method: none; no random draws, so it never advances its stream.
 * Cost per sample: a field read.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';

export type ConstantSpec = Extract<DistributionSpec, { dist: 'constant' }>;

export function constantMoments(spec: ConstantSpec): Moments {
  return { mean: spec.value, variance: 0 };
}

export class ConstantSampler {
  readonly mean: number;
  readonly variance = 0;

  constructor(spec: ConstantSpec, _rng?: RngStream) {
    this.mean = spec.value;
  }

  sample(): number {
    return this.mean;
  }
}
