/** Shared assertions for the distribution tests. */
import { expect } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { createSampler, distributionMoments, type Sampler } from '../../../src/model/distributions/index.js';
import type { DistributionSpec } from '../../../src/scenario/schema.js';
import {
  centralFromRaw,
  drawMany,
  ksCritical,
  ksStatistic,
  momentTolerances,
  sampleMoments,
  type RawMoments,
} from '../stats.js';

export function samplerFor(spec: DistributionSpec, seed = 'test/distributions'): Sampler {
  return createSampler(spec, new RngStream(seed));
}

/**
 * The sampler's declared mean and variance must equal theory computed from independently
 * derived raw moments, and n samples must match them within 4 standard errors
 * (stats.ts: SE(mean) = σ/√n, SE(s²) = √((μ₄ − σ⁴)/n)).
 */
export function expectMoments(spec: DistributionSpec, raw: RawMoments, n: number, seed?: string): void {
  const theory = centralFromRaw(raw);
  const sampler = samplerFor(spec, seed);
  expect(sampler.mean).toBeCloseTo(theory.mean, 9);
  expect(sampler.variance / theory.variance).toBeCloseTo(1, 9);
  expect(distributionMoments(spec)).toEqual({ mean: sampler.mean, variance: sampler.variance });

  const observed = sampleMoments(() => sampler.sample(), n);
  const tolerance = momentTolerances(theory, n);
  expect(Math.abs(observed.mean - theory.mean)).toBeLessThan(tolerance.mean);
  expect(Math.abs(observed.variance - theory.variance)).toBeLessThan(tolerance.variance);
}

/** Kolmogorov–Smirnov against the exact CDF at significance 0.001 (stats.ts: ksCritical). */
export function expectKs(spec: DistributionSpec, cdf: (x: number) => number, n: number, seed?: string): void {
  const sampler = samplerFor(spec, seed);
  const d = ksStatistic(
    drawMany(() => sampler.sample(), n),
    cdf,
  );
  expect(d).toBeLessThan(ksCritical(n));
}

/** Raw moments E[X^r] = r!·mean^r of an exponential. */
export function exponentialRaw(mean: number): RawMoments {
  return [mean, 2 * mean ** 2, 6 * mean ** 3, 24 * mean ** 4];
}
