import { describe, expect, it } from 'vitest';
import { lognormalSigma, Z_99 } from '../../../src/model/distributions/lognormal.js';
import { CountingRng, fractionTolerance, normalCdf, type RawMoments } from '../stats.js';
import { createSampler } from '../../../src/model/distributions/index.js';
import { expectKs, expectMoments, samplerFor } from './check.js';

describe('lognormal distribution (median + p99)', () => {
  const spec = { dist: 'lognormal', median: 10, p99: 50 } as const;
  const mu = Math.log(10);
  const sigma = Math.log(5) / 2.3263478740408408;
  // E[X^r] = exp(rμ + r²σ²/2).
  const raw = [1, 2, 3, 4].map((r) => Math.exp(r * mu + (r * r * sigma * sigma) / 2)) as unknown as RawMoments;

  it('derives σ = ln(p99/median)/z₀.₉₉', () => {
    expect(Z_99).toBe(2.3263478740408408);
    expect(lognormalSigma(spec)).toBeCloseTo(sigma, 15);
  });

  it('has mean e^{μ+σ²/2} and variance mean²(e^{σ²} − 1) (n = 10⁶, 4 SE)', () => {
    // σ ≈ 0.692, kurtosis ≈ 19: SE(s²) = σ_X²·√(18/10⁶) ≈ 0.42 % of the variance.
    expectMoments(spec, raw, 1_000_000);
  });

  it('puts half the mass below the median and 99 % below p99 (n = 10⁶, binomial 4 SE)', () => {
    const n = 1_000_000;
    const sampler = samplerFor(spec);
    let belowMedian = 0;
    let belowP99 = 0;
    for (let i = 0; i < n; i++) {
      const x = sampler.sample();
      if (x < 10) belowMedian++;
      if (x < 50) belowP99++;
    }
    // Tolerances: 4·√(0.25/n) = 0.002 and 4·√(0.0099/n) = 0.0004.
    expect(Math.abs(belowMedian / n - 0.5)).toBeLessThan(fractionTolerance(0.5, n));
    expect(Math.abs(belowP99 / n - 0.99)).toBeLessThan(fractionTolerance(0.99, n));
  });

  it('passes Kolmogorov–Smirnov against Φ((ln x − μ)/σ) (n = 10⁵, α = 0.001)', () => {
    expectKs(spec, (x) => normalCdf((Math.log(x) - mu) / sigma), 100_000);
  });

  it('uses one uniform per sample (Box–Muller pairs)', () => {
    const rng = new CountingRng('lognormal');
    const sampler = createSampler(spec, rng);
    for (let i = 0; i < 1000; i++) sampler.sample();
    expect(rng.draws).toBe(1000);
  });

  it('is nearly constant when p99 is just above the median (variance by expm1)', () => {
    const tight = samplerFor({ dist: 'lognormal', median: 10, p99: 10.000001 });
    const s = Math.log(1.0000001) / Z_99;
    expect(tight.variance / (100 * s * s)).toBeCloseTo(1, 6);
  });
});
