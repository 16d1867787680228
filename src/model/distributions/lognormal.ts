/**
 * Lognormal distribution parameterised by its median and 99th percentile, the two numbers
 * practitioners read off latency dashboards.
 *
 * ln X ~ Normal(μ, σ²) with μ = ln(median) and σ = ln(p99/median)/z₀.₉₉, z₀.₉₉ the standard
 * normal 0.99-quantile. Then E[X] = e^{μ+σ²/2} and Var[X] = E[X]²·(e^{σ²} − 1).
 *
 * Method: X = exp(μ + σZ) with Z from the cached Box–Muller generator (./normal.ts).
 * Cost per sample (amortised): one uniform, one exp, ½ (log + sqrt + sin + cos).
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';
import { StandardNormal } from './normal.js';

export type LognormalSpec = Extract<DistributionSpec, { dist: 'lognormal' }>;

/** Φ⁻¹(0.99), to 17 significant digits. */
export const Z_99 = 2.3263478740408408;

export function lognormalSigma(spec: LognormalSpec): number {
  return Math.log(spec.p99 / spec.median) / Z_99;
}

export function lognormalMoments(spec: LognormalSpec): Moments {
  const sigma = lognormalSigma(spec);
  const mean = spec.median * Math.exp((sigma * sigma) / 2);
  // expm1 keeps the variance accurate when σ is small (p99 close to the median).
  return { mean, variance: mean * mean * Math.expm1(sigma * sigma) };
}

export class LognormalSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly mu: number;
  private readonly sigma: number;
  private readonly normal: StandardNormal;

  constructor(spec: LognormalSpec, rng: RngStream) {
    if (!(spec.median > 0 && spec.p99 > spec.median)) {
      throw new RangeError(`lognormal: need 0 < median < p99, got median=${spec.median}, p99=${spec.p99}`);
    }
    const moments = lognormalMoments(spec);
    this.mean = moments.mean;
    this.variance = moments.variance;
    this.mu = Math.log(spec.median);
    this.sigma = lognormalSigma(spec);
    this.normal = new StandardNormal(rng);
  }

  sample(): number {
    return Math.exp(this.mu + this.sigma * this.normal.next());
  }
}
