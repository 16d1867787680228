import { describe, expect, it } from 'vitest';
import { distributionMoments } from '../../../src/model/distributions/index.js';
import { chiSquare, chiSquareCritical, type RawMoments } from '../stats.js';
import { expectMoments, samplerFor } from './check.js';

const values = [1, 2, 2, 3, 10, 0.5, 7, 2];

/** Population raw moments of the values: resampling draws each value with probability 1/n. */
function populationRaw(xs: readonly number[]): RawMoments {
  return [1, 2, 3, 4].map((r) => xs.reduce((s, x) => s + x ** r, 0) / xs.length) as unknown as RawMoments;
}

describe('empirical distribution', () => {
  const spec = { dist: 'empirical', unit: 'ms', values } as const;

  it('has the mean and population variance (divisor n) of the values (n = 10⁶, 4 SE)', () => {
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length;
    expect(distributionMoments(spec)).toEqual({ mean, variance });
    expectMoments(spec, populationRaw(values), 1_000_000);
  });

  it('draws each recorded value with probability 1/n (χ², 7 dof, α = 0.001)', () => {
    const n = 800_000;
    const sampler = samplerFor({ dist: 'empirical', unit: 'ms', values: [5, 6, 7, 8, 9, 10, 11, 12] });
    const counts = new Float64Array(8);
    for (let i = 0; i < n; i++) counts[sampler.sample() - 5]!++;
    // 7 dof: Wilson–Hilferty gives 24.53 against the exact 24.32 (stats.ts).
    expect(chiSquare(counts, new Float64Array(8).fill(n / 8))).toBeLessThan(chiSquareCritical(7));
  });

  it('refuses to sample before the loader has read the file', () => {
    expect(() => samplerFor({ dist: 'empirical', unit: 'ms', file: 'lat.csv' })).toThrow(/lat\.csv/);
  });
});
