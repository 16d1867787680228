import { describe, expect, it } from 'vitest';
import { LatencyHistogram, QUANTILE_RELATIVE_ERROR } from '../../src/metrics/latency-histogram.js';
import { RngStream } from '../../src/engine/rng.js';

function exactNearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

describe('LatencyHistogram', () => {
  it('reports nearest-rank quantiles within its stated 0.05 % relative error, mean and max exactly', () => {
    const rng = new RngStream('histogram-test');
    const h = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // Log-uniform over 1 µs … 100 s, so every order of magnitude is exercised.
      const v = 10 ** (-3 + 8 * rng.next());
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    const ps = [0.001, 0.5, 0.9, 0.99, 0.999, 1];
    const got = h.quantiles(ps);
    ps.forEach((p, i) => {
      const exact = exactNearestRank(values, p);
      expect(Math.abs(got[i]! - exact) / exact).toBeLessThanOrEqual(QUANTILE_RELATIVE_ERROR);
    });
    expect(QUANTILE_RELATIVE_ERROR).toBeLessThanOrEqual(0.001);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(h.mean).toBeCloseTo(mean, 6);
    expect(h.max).toBe(values[values.length - 1]);
    expect(h.count).toBe(values.length);
  });

  it('handles zeros, single values and emptiness', () => {
    const h = new LatencyHistogram();
    expect(h.quantiles([0.5])).toEqual([NaN]);
    expect(h.mean).toBeNaN();
    h.record(0);
    h.record(0);
    h.record(4);
    expect(h.quantiles([0.5, 0.66, 0.67, 0.99])).toEqual([0, 0, 4, 4]); // ranks 2, 2, 3, 3 of 3
    expect(h.max).toBe(4);
  });

  it('clamps values beyond its range into the end buckets', () => {
    const h = new LatencyHistogram();
    const tiny = 2 ** -30; // below 2^-20 ms: the lowest bucket
    const huge = 2 ** 40; // above 2^31 ms: the highest bucket
    for (const v of [tiny, tiny, 1, huge]) h.record(v);
    const [low, middle, high] = h.quantiles([0.25, 0.75, 1]);
    // The lowest bucket starts at 2^-20 ms: a value below it reads as that bucket's midpoint.
    expect(Math.abs(low! - 2 ** -20) / 2 ** -20).toBeLessThanOrEqual(QUANTILE_RELATIVE_ERROR);
    expect(Math.abs(middle! - 1)).toBeLessThanOrEqual(QUANTILE_RELATIVE_ERROR);
    // The highest bucket ends at 2^31 ms (about 25 days): a value above it reads as about that.
    expect(Math.abs(high! - 2 ** 31) / 2 ** 31).toBeLessThanOrEqual(QUANTILE_RELATIVE_ERROR);
    expect(h.max).toBe(huge);
  });

  it('gives the same quantiles at every precision whatever octaves the values fall in', () => {
    // Buckets are kept per binary octave and allocated on first use; values spread over far
    // apart octaves, recorded in any order, must rank exactly as in one flat array.
    const rng = new RngStream('histogram-octaves');
    const values = Array.from({ length: 5_000 }, (_, i) => (i % 3 === 0 ? 1e-5 : i % 3 === 1 ? 3 : 2e7) * (1 + rng.next()));
    for (const subBits of [4, 10]) {
      const h = new LatencyHistogram(subBits);
      for (const v of values) h.record(v);
      const sorted = [...values].sort((a, b) => a - b);
      const ps = [0.1, 0.33, 0.34, 0.5, 0.66, 0.67, 0.9, 1];
      const bound = 2 ** -(subBits + 1);
      h.quantiles(ps).forEach((q, i) => {
        const exact = exactNearestRank(sorted, ps[i]!);
        expect(Math.abs(q - exact) / exact).toBeLessThanOrEqual(bound);
      });
    }
  });
});
