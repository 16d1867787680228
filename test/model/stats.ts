/**
 * Statistics for checking random variates against theory. Every tolerance the tests use is
 * built here from a sample size and a stated number of standard errors, so a failure means
 * the sampler is wrong, not that the seed was unlucky.
 */
import { RngStream } from '../../src/engine/rng.js';

/**
 * Tests use 4 standard errors: for an asymptotically normal estimator a false alarm has
 * probability 6·10⁻⁵ per check. Seeds are fixed, so any failure is reproducible.
 */
export const Z = 4;

/** The first four raw moments E[X], E[X²], E[X³], E[X⁴]. */
export type RawMoments = readonly [number, number, number, number];

export interface CentralMoments {
  mean: number;
  variance: number;
  /** E[(X − mean)⁴]. */
  fourth: number;
}

export function centralFromRaw([m1, m2, m3, m4]: RawMoments): CentralMoments {
  return {
    mean: m1,
    variance: m2 - m1 * m1,
    fourth: m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4,
  };
}

export interface SampleMoments {
  mean: number;
  /** Divisor n − 1. */
  variance: number;
}

export function sampleMoments(draw: () => number, n: number): SampleMoments {
  // Welford's update: no cancellation however large the mean is relative to the spread.
  let mean = 0;
  let m2 = 0;
  for (let i = 1; i <= n; i++) {
    const x = draw();
    const delta = x - mean;
    mean += delta / i;
    m2 += delta * (x - mean);
  }
  return { mean, variance: m2 / (n - 1) };
}

/**
 * Tolerances for the sample mean and variance of n draws:
 * SE(mean) = σ/√n and SE(s²) = √((μ₄ − σ⁴)/n), the large-sample variance of s²
 * (e.g. Kendall & Stuart, Advanced Theory of Statistics, vol. 1, §10.5).
 */
export function momentTolerances(theory: CentralMoments, n: number): { mean: number; variance: number } {
  return {
    mean: (Z * Math.sqrt(theory.variance)) / Math.sqrt(n),
    variance: Z * Math.sqrt((theory.fourth - theory.variance ** 2) / n),
  };
}

/** Binomial standard error of an observed fraction around probability p. */
export function fractionTolerance(p: number, n: number): number {
  return Z * Math.sqrt((p * (1 - p)) / n);
}

/**
 * Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of a sample against a continuous CDF.
 * Sorts `sample` in place.
 */
export function ksStatistic(sample: Float64Array, cdf: (x: number) => number): number {
  sample.sort();
  const n = sample.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sample[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Critical D at significance 0.001 from the asymptotic Kolmogorov distribution:
 * c = √(−ln(α/2)/2) = 1.9495, D_crit = c/√n (accurate for n in the thousands and beyond).
 */
export function ksCritical(n: number): number {
  return Math.sqrt(-Math.log(0.001 / 2) / 2) / Math.sqrt(n);
}

/** Pearson's χ² of observed counts against expected counts. */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let x2 = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    x2 += (observed[i]! - e) ** 2 / e;
  }
  return x2;
}

/**
 * The upper 0.001 quantile of χ² with k degrees of freedom, by the Wilson–Hilferty cube
 * approximation k(1 − 2/(9k) + z√(2/(9k)))³ with z = Φ⁻¹(0.999) = 3.0902: within 1 % for k ≥ 7
 * (24.53 against the exact 24.32 at k = 7; 29.76 against 29.59 at k = 10).
 */
export function chiSquareCritical(k: number): number {
  const h = 2 / (9 * k);
  return k * (1 - h + 3.0902 * Math.sqrt(h)) ** 3;
}

/** ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 terms), relative error about 1e-15. */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularised lower incomplete gamma P(a, x): series for x < a + 1, Lentz's continued
 * fraction for the complement otherwise (Numerical Recipes, 3rd ed., §6.2).
 */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/** Standard normal CDF through erf(x) = P(½, x²). */
export function normalCdf(z: number): number {
  const half = 0.5 * gammaP(0.5, (z * z) / 2);
  return z >= 0 ? 0.5 + half : 0.5 - half;
}

/** Draws n values into a typed array. */
export function drawMany(draw: () => number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

/** An RngStream that counts the uniforms taken from it. */
export class CountingRng extends RngStream {
  draws = 0;

  override next(): number {
    this.draws += 1;
    return super.next();
  }

  override nextOpen(): number {
    this.draws += 1;
    return super.nextOpen();
  }

  override int(n: number): number {
    this.draws += 1;
    return super.int(n);
  }
}
