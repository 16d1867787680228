import { describe, expect, it } from 'vitest';
import { h2Parameters } from '../../../src/model/distributions/hyperexponential.js';
import { createSampler } from '../../../src/model/distributions/index.js';
import { centralFromRaw, CountingRng, momentTolerances, sampleMoments, type RawMoments } from '../stats.js';
import { expectKs, expectMoments, samplerFor } from './check.js';

/** E[X^r] = r!·Σ pᵢ/μᵢ^r. */
function h2Raw(p1: number, mu1: number, mu2: number): RawMoments {
  const m = (r: number, f: number) => f * (p1 / mu1 ** r + (1 - p1) / mu2 ** r);
  return [m(1, 1), m(2, 2), m(3, 6), m(4, 24)];
}

describe('hyperexponential distribution (balanced-means H2)', () => {
  const spec = { dist: 'hyperexponential', mean: 10, scv: 10 } as const;
  const { p1, mu1, mu2 } = h2Parameters(spec);

  it('uses the balanced-means parameters of validation.md §3', () => {
    expect(p1).toBeCloseTo(0.5 * (1 + Math.sqrt(9 / 11)), 15);
    expect(mu1).toBeCloseTo((2 * p1) / 10, 15);
    expect(mu2).toBeCloseTo((2 * (1 - p1)) / 10, 15);
    // Balanced means: each phase contributes half the mean.
    expect(p1 / mu1).toBeCloseTo(5, 12);
    expect((1 - p1) / mu2).toBeCloseTo(5, 12);
  });

  it('has mean and variance mean²·scv (n = 10⁶, 4 SE)', () => {
    expectMoments(spec, h2Raw(p1, mu1, mu2), 1_000_000);
  });

  it('has the requested SCV (n = 10⁶; tolerance from the mean and variance errors)', () => {
    // ŝ = s²/x̄²: to first order |Δŝ|/ŝ ≤ |Δs²|/σ² + 2|Δx̄|/μ, each term at 4 SE.
    const n = 1_000_000;
    const sampler = samplerFor(spec, 'h2-scv');
    const observed = sampleMoments(() => sampler.sample(), n);
    const theory = centralFromRaw(h2Raw(p1, mu1, mu2));
    const tol = momentTolerances(theory, n);
    const relativeTolerance = tol.variance / theory.variance + (2 * tol.mean) / theory.mean;
    expect(sampler.variance / sampler.mean ** 2).toBeCloseTo(10, 12);
    expect(Math.abs(observed.variance / observed.mean ** 2 / 10 - 1)).toBeLessThan(relativeTolerance);
  });

  it('passes Kolmogorov–Smirnov against 1 − p₁e^{−μ₁x} − p₂e^{−μ₂x} (n = 10⁵, α = 0.001)', () => {
    expectKs(spec, (x) => 1 - p1 * Math.exp(-mu1 * x) - (1 - p1) * Math.exp(-mu2 * x), 100_000);
  });

  it('is exponential at scv 1', () => {
    const p = h2Parameters({ dist: 'hyperexponential', mean: 10, scv: 1 });
    expect(p).toEqual({ p1: 0.5, mu1: 0.1, mu2: 0.1 });
  });

  it('uses exactly two uniforms per sample', () => {
    const rng = new CountingRng('h2');
    const sampler = createSampler(spec, rng);
    for (let i = 0; i < 1000; i++) sampler.sample();
    expect(rng.draws).toBe(2000);
  });
});
