/**
 * Gamma distribution parameterised by its mean and squared coefficient of variation (SCV):
 * shape k = 1/SCV, scale θ = mean·SCV, so Var = mean²·SCV. SCV < 1 is smoother than
 * exponential (k → ∞ tends to constant), SCV = 1 is exponential, SCV > 1 is burstier.
 *
 * Method: Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS
 * 26(3), 2000. For k ≥ 1 with d = k − 1/3, c = 1/√(9d): draw Z normal, V = (1 + cZ)³ (retry if
 * 1 + cZ ≤ 0), U uniform; accept dV if U < 1 − 0.0331·Z⁴ (squeeze) or
 * ln U < Z²/2 + d(1 − V + ln V). For k < 1 (SCV > 1), the paper's boost: draw
 * G ~ Gamma(k + 1) and return G·U^{1/k}.
 *
 * Cost per sample: a try takes one normal (amortised: one uniform, ½ Box–Muller) and one
 * uniform; the squeeze spares the two logs in almost every try. Tries per sample, measured:
 * 1.047 at k = 1 (the worst case, which the boost's k + 1 approaches as k → 0), 1.019 at
 * k = 2, 1.003 at k = 10. The boost adds one uniform, one log and one exp.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';
import { StandardNormal } from './normal.js';

export type GammaSpec = Extract<DistributionSpec, { dist: 'gamma' }>;

export function gammaMoments(spec: GammaSpec): Moments {
  return { mean: spec.mean, variance: spec.mean * spec.mean * spec.scv };
}

export class GammaSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly d: number;
  private readonly c: number;
  /** θ = mean·SCV, applied after drawing a unit-scale variate. */
  private readonly scale: number;
  /** 1/k when k < 1 (the boost), 0 otherwise. */
  private readonly boostExponent: number;
  private readonly normal: StandardNormal;

  constructor(
    spec: GammaSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.mean > 0 && spec.scv > 0)) {
      throw new RangeError(`gamma: need mean > 0 and scv > 0, got mean=${spec.mean}, scv=${spec.scv}`);
    }
    const shape = 1 / spec.scv;
    const boosted = shape < 1;
    this.mean = spec.mean;
    this.variance = spec.mean * spec.mean * spec.scv;
    this.scale = spec.mean * spec.scv;
    this.boostExponent = boosted ? 1 / shape : 0;
    this.d = (boosted ? shape + 1 : shape) - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
    this.normal = new StandardNormal(rng);
  }

  sample(): number {
    const g = this.unitGamma();
    if (this.boostExponent === 0) return this.scale * g;
    // nextOpen() is in (0, 1]: ln U is finite. U^{1/k} may underflow to 0 for tiny k, which
    // is the honest value: such a gamma puts almost all its mass within a hair of zero.
    return this.scale * g * Math.exp(Math.log(this.rng.nextOpen()) * this.boostExponent);
  }

  private unitGamma(): number {
    const d = this.d;
    const c = this.c;
    for (;;) {
      let z: number;
      let v: number;
      do {
        z = this.normal.next();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const u = this.rng.next();
      const z2 = z * z;
      if (u < 1 - 0.0331 * z2 * z2) return d * v;
      if (Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}
