import { describe, expect, it } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { createSampler, describeDistribution, distributionMoments } from '../../../src/model/distributions/index.js';
import type { DistributionSpec } from '../../../src/scenario/schema.js';

const specs: DistributionSpec[] = [
  { dist: 'constant', value: 0.2 },
  { dist: 'exponential', mean: 10 },
  { dist: 'lognormal', median: 10, p99: 50 },
  { dist: 'gamma', mean: 10, scv: 0.5 },
  { dist: 'gamma', mean: 10, scv: 3 },
  { dist: 'hyperexponential', mean: 10, scv: 10 },
  { dist: 'pareto', mean: 10, shape: 2.5 },
  { dist: 'uniform', min: 1, max: 3 },
  { dist: 'empirical', unit: 'ms', values: [1, 2, 3, 10] },
];

function firstSamples(spec: DistributionSpec, seed: string, n = 1000): number[] {
  const sampler = createSampler(spec, new RngStream(seed));
  return Array.from({ length: n }, () => sampler.sample());
}

describe('createSampler', () => {
  for (const spec of specs) {
    it(`${spec.dist}: the same seed string gives the same sequence; another seed does not`, () => {
      const a = firstSamples(spec, 'meshsim/42/0/service');
      expect(firstSamples(spec, 'meshsim/42/0/service')).toEqual(a);
      if (spec.dist !== 'constant') expect(firstSamples(spec, 'meshsim/43/0/service')).not.toEqual(a);
    });

    it(`${spec.dist}: distributionMoments agrees with the sampler`, () => {
      const sampler = createSampler(spec, new RngStream('m'));
      expect(distributionMoments(spec)).toEqual({ mean: sampler.mean, variance: sampler.variance });
    });
  }

  it('rejects parameters outside the schema for library callers', () => {
    expect(() => createSampler({ dist: 'pareto', mean: 10, shape: 1 }, new RngStream('x'))).toThrow(RangeError);
    expect(() => createSampler({ dist: 'hyperexponential', mean: 10, scv: 0.5 }, new RngStream('x'))).toThrow(
      RangeError,
    );
  });
});

describe('describeDistribution', () => {
  it('gives short labels with units', () => {
    expect(describeDistribution({ dist: 'exponential', mean: 10 })).toBe('exponential(mean=10ms)');
    expect(describeDistribution({ dist: 'constant', value: 0.2 })).toBe('constant(200us)');
    expect(describeDistribution({ dist: 'lognormal', median: 10, p99: 50 })).toBe('lognormal(median=10ms, p99=50ms)');
    expect(describeDistribution({ dist: 'gamma', mean: 10, scv: 0.5 })).toBe('gamma(mean=10ms, scv=0.5)');
    expect(describeDistribution({ dist: 'hyperexponential', mean: 1000, scv: 10 })).toBe(
      'hyperexponential(mean=1s, scv=10)',
    );
    expect(describeDistribution({ dist: 'pareto', mean: 10, shape: 2.5 })).toBe('pareto(mean=10ms, shape=2.5)');
    expect(describeDistribution({ dist: 'uniform', min: 1, max: 3 })).toBe('uniform(1ms..3ms)');
    expect(describeDistribution({ dist: 'empirical', unit: 'ms', file: 'lat.csv', values: [1, 3] })).toBe(
      'empirical(lat.csv, n=2, mean=2ms)',
    );
  });
});
