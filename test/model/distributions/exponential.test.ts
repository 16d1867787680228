import { describe, expect, it } from 'vitest';
import { CountingRng } from '../stats.js';
import { createSampler } from '../../../src/model/distributions/index.js';
import { expectKs, expectMoments, exponentialRaw } from './check.js';

describe('exponential distribution', () => {
  const spec = { dist: 'exponential', mean: 10 } as const;

  it('has mean and variance mean² (n = 10⁶, 4 SE: ±0.04 ms and ±0.11 ms²)', () => {
    // SE(mean) = 10/1000 = 0.01; SE(s²) = √(8·10⁴/10⁶) = 0.28 (μ₄ = 9·mean⁴) → 4 SE = 1.13 on 100.
    expectMoments(spec, exponentialRaw(10), 1_000_000);
  });

  it('passes Kolmogorov–Smirnov against 1 − e^{−x/mean} (n = 10⁵, α = 0.001)', () => {
    expectKs(spec, (x) => -Math.expm1(-x / 10), 100_000);
  });

  it('uses exactly one uniform per sample', () => {
    const rng = new CountingRng('exp');
    const sampler = createSampler(spec, rng);
    for (let i = 0; i < 1000; i++) sampler.sample();
    expect(rng.draws).toBe(1000);
  });
});
