/**
 * Two-phase hyperexponential (H2) with balanced means, from the mean and an SCV ≥ 1.
 *
 * With probability p₁ the sample is exponential with rate μ₁, otherwise with rate μ₂, where
 * p₁ = ½(1 + √((SCV − 1)/(SCV + 1))), μ₁ = 2p₁/mean, μ₂ = 2(1 − p₁)/mean, so that
 * p₁/μ₁ = p₂/μ₂ = mean/2 ("balanced means"; Whitt, "Approximating a point process by a renewal
 * process, I", Oper. Res. 30(1), 1982; the fit used in validation.md §3). SCV = 1 gives
 * p₁ = ½, μ₁ = μ₂: plain exponential.
 * Var = mean²·SCV; E[X²] = 2Σ pᵢ/μᵢ².
 *
 * Method: composition. One uniform picks the phase, a second gives the exponential by
 * inversion. Cost per sample: two uniforms, one log.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';

export type HyperexponentialSpec = Extract<DistributionSpec, { dist: 'hyperexponential' }>;

export interface H2Parameters {
  readonly p1: number;
  readonly mu1: number;
  readonly mu2: number;
}

/** Balanced-means parameters; rates are per millisecond. */
export function h2Parameters(spec: HyperexponentialSpec): H2Parameters {
  const p1 = 0.5 * (1 + Math.sqrt((spec.scv - 1) / (spec.scv + 1)));
  return { p1, mu1: (2 * p1) / spec.mean, mu2: (2 * (1 - p1)) / spec.mean };
}

export function hyperexponentialMoments(spec: HyperexponentialSpec): Moments {
  return { mean: spec.mean, variance: spec.mean * spec.mean * spec.scv };
}

export class HyperexponentialSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly p1: number;
  private readonly mean1: number;
  private readonly mean2: number;

  constructor(
    spec: HyperexponentialSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.mean > 0 && spec.scv >= 1)) {
      throw new RangeError(`hyperexponential: need mean > 0 and scv ≥ 1, got mean=${spec.mean}, scv=${spec.scv}`);
    }
    const { p1, mu1, mu2 } = h2Parameters(spec);
    this.mean = spec.mean;
    this.variance = spec.mean * spec.mean * spec.scv;
    this.p1 = p1;
    this.mean1 = 1 / mu1;
    this.mean2 = 1 / mu2;
  }

  sample(): number {
    const phaseMean = this.rng.next() < this.p1 ? this.mean1 : this.mean2;
    return -phaseMean * Math.log(this.rng.nextOpen());
  }
}
