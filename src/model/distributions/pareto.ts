/**
 * Classic (type I) Pareto distribution from its mean and tail index α > 1:
 * P(X > x) = (x_m/x)^α for x ≥ x_m, with x_m = mean·(α − 1)/α.
 * Var = x_m²·α/((α − 1)²(α − 2)) for α > 2 and infinite for α ≤ 2 (reported as Infinity).
 *
 * Method: inversion, X = x_m·U^{−1/α} with U uniform on (0, 1] (Devroye 1986, §II.2).
 * The largest possible sample is x_m·2^{53/α}, so the simulated tail is truncated far beyond
 * any quantile a run can resolve.
 *
 * Cost per sample: one uniform, one log, one exp.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';

export type ParetoSpec = Extract<DistributionSpec, { dist: 'pareto' }>;

export function paretoScale(spec: ParetoSpec): number {
  return (spec.mean * (spec.shape - 1)) / spec.shape;
}

export function paretoMoments(spec: ParetoSpec): Moments {
  const alpha = spec.shape;
  const xm = paretoScale(spec);
  const variance = alpha > 2 ? (xm * xm * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : Infinity;
  return { mean: spec.mean, variance };
}

export class ParetoSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly scale: number;
  private readonly negInvShape: number;

  constructor(
    spec: ParetoSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.mean > 0 && spec.shape > 1)) {
      throw new RangeError(`pareto: need mean > 0 and shape > 1, got mean=${spec.mean}, shape=${spec.shape}`);
    }
    const moments = paretoMoments(spec);
    this.mean = moments.mean;
    this.variance = moments.variance;
    this.scale = paretoScale(spec);
    this.negInvShape = -1 / spec.shape;
  }

  sample(): number {
    return this.scale * Math.exp(this.negInvShape * Math.log(this.rng.nextOpen()));
  }
}
