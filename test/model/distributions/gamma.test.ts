import { describe, expect, it } from 'vitest';
import { CountingRng, gammaP, type RawMoments } from '../stats.js';
import { createSampler } from '../../../src/model/distributions/index.js';
import { expectKs, expectMoments } from './check.js';

/** E[X^r] = θ^r·k(k+1)…(k+r−1) for shape k and scale θ. */
function gammaRaw(mean: number, scv: number): RawMoments {
  const k = 1 / scv;
  const theta = mean * scv;
  return [k * theta, k * (k + 1) * theta ** 2, k * (k + 1) * (k + 2) * theta ** 3, k * (k + 1) * (k + 2) * (k + 3) * theta ** 4];
}

// Shapes on both sides of 1 exercise the squeeze-and-log path (k ≥ 1) and the U^{1/k} boost
// (k < 1); scv 100 (k = 0.01) is an extreme the boost must still get right.
const cases = [
  { mean: 10, scv: 0.25 },
  { mean: 10, scv: 1 },
  { mean: 10, scv: 4 },
  { mean: 2, scv: 100 },
];

describe('gamma distribution (mean + SCV, Marsaglia–Tsang)', () => {
  for (const { mean, scv } of cases) {
    const spec = { dist: 'gamma', mean, scv } as const;

    it(`scv ${scv}: mean and variance mean²·scv (n = 5·10⁵, 4 SE)`, () => {
      // Excess kurtosis 6/k: SE(s²) = σ²·√((2 + 6·scv)/n), e.g. 3.5 % of σ² at scv 100.
      expectMoments(spec, gammaRaw(mean, scv), 500_000, `gamma/${scv}`);
    });

    it(`scv ${scv}: Kolmogorov–Smirnov against P(k, x/θ) (n = 10⁵, α = 0.001)`, () => {
      expectKs(spec, (x) => gammaP(1 / scv, x / (mean * scv)), 100_000, `gamma-ks/${scv}`);
    });
  }

  it('needs about one normal and one uniform per sample (acceptance ≥ 95 %)', () => {
    // Per try: one uniform for the normal (amortised) and one for the test; the boost adds one.
    for (const [scv, extra] of [[0.25, 0], [4, 1]] as const) {
      const rng = new CountingRng(`gamma-draws/${scv}`);
      const sampler = createSampler({ dist: 'gamma', mean: 1, scv }, rng);
      const n = 100_000;
      for (let i = 0; i < n; i++) sampler.sample();
      const tries = (rng.draws / n - extra) / 2;
      expect(tries).toBeGreaterThanOrEqual(1);
      expect(tries).toBeLessThan(1 / 0.95);
    }
  });
});
