import { describe, expect, it } from 'vitest';
import { paretoScale } from '../../../src/model/distributions/pareto.js';
import { fractionTolerance, type RawMoments } from '../stats.js';
import { expectKs, expectMoments, samplerFor } from './check.js';

/** E[X^r] = α·x_m^r/(α − r), finite for r < α. */
function paretoRaw(xm: number, alpha: number): RawMoments {
  return [1, 2, 3, 4].map((r) => (alpha * xm ** r) / (alpha - r)) as unknown as RawMoments;
}

describe('pareto distribution (mean + shape)', () => {
  it('sets x_m = mean(α − 1)/α', () => {
    expect(paretoScale({ dist: 'pareto', mean: 10, shape: 2.5 })).toBeCloseTo(6, 14);
  });

  it('α = 6: mean and variance x_m²α/((α−1)²(α−2)) (n = 10⁶, 4 SE; μ₄ finite since α > 4)', () => {
    const spec = { dist: 'pareto', mean: 10, shape: 6 } as const;
    expectMoments(spec, paretoRaw(paretoScale(spec), 6), 1_000_000);
  });

  it('reports infinite variance for α ≤ 2', () => {
    expect(samplerFor({ dist: 'pareto', mean: 10, shape: 2 }).variance).toBe(Infinity);
    expect(samplerFor({ dist: 'pareto', mean: 10, shape: 1.5 }).variance).toBe(Infinity);
    expect(samplerFor({ dist: 'pareto', mean: 10, shape: 2.5 }).variance).toBeCloseTo(36 * 2.5 / (1.5 * 1.5 * 0.5), 10);
  });

  // Heavy tails (α ≤ 4): the sample variance does not settle, so test the tail itself.
  for (const alpha of [1.5, 2.5]) {
    const spec = { dist: 'pareto', mean: 10, shape: alpha } as const;
    const xm = paretoScale(spec);

    it(`α = ${alpha}: tail fractions P(X > x_m·q^{−1/α}) = q for q = 0.5, 0.01, 0.001 (n = 10⁶, binomial 4 SE)`, () => {
      const n = 1_000_000;
      const sampler = samplerFor(spec, `pareto-tail/${alpha}`);
      const levels = [0.5, 0.01, 0.001];
      const thresholds = levels.map((q) => xm * q ** (-1 / alpha));
      const above = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const x = sampler.sample();
        for (let j = 0; j < 3; j++) if (x > thresholds[j]!) above[j]!++;
      }
      levels.forEach((q, j) => {
        expect(Math.abs(above[j]! / n - q)).toBeLessThan(fractionTolerance(q, n));
      });
    });

    it(`α = ${alpha}: Kolmogorov–Smirnov against 1 − (x_m/x)^α (n = 10⁵, α = 0.001)`, () => {
      expectKs(spec, (x) => (x < xm ? 0 : 1 - (xm / x) ** alpha), 100_000, `pareto-ks/${alpha}`);
    });
  }

  it('α = 2.5: sample mean within 4 SE (σ finite; n = 10⁶)', () => {
    // Var = 144 → SE = 0.012; with an infinite third moment the CLT is slow, so this is the
    // Chebyshev-safe reading of 4 SE (false alarm ≤ 1/16) rather than a normal one.
    const sampler = samplerFor({ dist: 'pareto', mean: 10, shape: 2.5 }, 'pareto-mean');
    let sum = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) sum += sampler.sample();
    expect(Math.abs(sum / n - 10)).toBeLessThan((4 * Math.sqrt(sampler.variance)) / Math.sqrt(n));
  });
});
