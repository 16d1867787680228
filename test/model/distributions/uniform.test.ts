import { describe, expect, it } from 'vitest';
import type { RawMoments } from '../stats.js';
import { expectKs, expectMoments, samplerFor } from './check.js';

/** E[X^r] = (b^{r+1} − a^{r+1})/((r + 1)(b − a)). */
function uniformRaw(a: number, b: number): RawMoments {
  return [1, 2, 3, 4].map((r) => (b ** (r + 1) - a ** (r + 1)) / ((r + 1) * (b - a))) as unknown as RawMoments;
}

describe('uniform distribution', () => {
  const spec = { dist: 'uniform', min: 2, max: 7 } as const;

  it('has mean (a+b)/2 and variance (b−a)²/12 (n = 10⁶, 4 SE)', () => {
    // μ₄ = (b−a)⁴/80, so SE(s²) = (b−a)²·√((1/80 − 1/144)/n).
    expectMoments(spec, uniformRaw(2, 7), 1_000_000);
  });

  it('passes Kolmogorov–Smirnov (n = 10⁵, α = 0.001) and stays within [min, max)', () => {
    expectKs(spec, (x) => Math.min(1, Math.max(0, (x - 2) / 5)), 100_000);
    const sampler = samplerFor(spec, 'uniform-range');
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = sampler.sample();
      if (!(x >= 2 && x < 7)) outside++;
    }
    expect(outside).toBe(0);
  });

  it('is constant when min = max', () => {
    const sampler = samplerFor({ dist: 'uniform', min: 4, max: 4 });
    expect(sampler.sample()).toBe(4);
    expect(sampler.variance).toBe(0);
  });
});
