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
});
